/// The support contract of a customer tenant (`tenants.support_plan`); it sets the response targets.
public enum SupportPlan: String, Codable, Sendable, CaseIterable {
    case premier
    case professional
    case trial
}
