/// The rules a service request must satisfy to be submitted. Each broken rule has its own
/// problem type, so a client can point at the step of the wizard to fix.
public enum IntakeRules {
    /// Technical support is given in these languages only.
    public static let technicalLanguages = ["en", "ja"]

    /// What submission is checked against.
    public struct Facts: Sendable {
        public var plan: SupportPlan
        public var categoryTechnical: Bool
        public var categoryLanguages: [String]
        public var categoryPlans: [SupportPlan]
        public var summary: String?
        public var severity: Severity?
        public var severityRequiresPhone: Bool
        public var language: String?
        public var contactName: String?
        public var contactEmail: String?
        public var contactPhone: String?
        public var preferredContact: String?

        public init(
            plan: SupportPlan, categoryTechnical: Bool, categoryLanguages: [String], categoryPlans: [SupportPlan],
            summary: String?, severity: Severity?, severityRequiresPhone: Bool, language: String?,
            contactName: String?, contactEmail: String?, contactPhone: String?, preferredContact: String?
        ) {
            self.plan = plan
            self.categoryTechnical = categoryTechnical
            self.categoryLanguages = categoryLanguages
            self.categoryPlans = categoryPlans
            self.summary = summary
            self.severity = severity
            self.severityRequiresPhone = severityRequiresPhone
            self.language = language
            self.contactName = contactName
            self.contactEmail = contactEmail
            self.contactPhone = contactPhone
            self.preferredContact = preferredContact
        }
    }

    /// A broken rule.
    public enum Violation: Sendable, Equatable {
        case summaryRequired
        case categoryNotCovered(plan: SupportPlan)
        case languageNotSupported(language: String, supported: [String])
        case phoneRequired
        case incomplete(field: String)

        /// The problem type the API answers with.
        public var problemType: String {
            switch self {
            case .summaryRequired: ProblemType.summaryRequired
            case .categoryNotCovered: ProblemType.categoryNotCovered
            case .languageNotSupported: ProblemType.languageNotSupported
            case .phoneRequired: ProblemType.phoneRequired
            case .incomplete: ProblemType.draftIncomplete
            }
        }

        public var title: String {
            switch self {
            case .summaryRequired: "Summary required"
            case .categoryNotCovered: "Category not covered by the plan"
            case .languageNotSupported: "Language not supported"
            case .phoneRequired: "Phone number required"
            case .incomplete: "Draft incomplete"
            }
        }

        public var detail: String {
            switch self {
            case .summaryRequired: "write a short summary of the problem"
            case .categoryNotCovered(let plan): "the \(plan.rawValue) plan does not cover this category"
            case .languageNotSupported(let language, let supported):
                "support for this category is given in \(supported.joined(separator: ", ")), not \(language)"
            case .phoneRequired: "severity A needs a phone number: someone must be reachable around the clock"
            case .incomplete(let field): "\(field) is required to submit"
            }
        }
    }

    /// The broken rules, most fundamental first (empty when the request may be submitted).
    public static func violations(_ facts: Facts) -> [Violation] {
        var found: [Violation] = []
        if lacksSummary(facts.summary) { found.append(.summaryRequired) }
        if !facts.categoryPlans.contains(facts.plan) { found.append(.categoryNotCovered(plan: facts.plan)) }
        if let language = facts.language {
            let supported = facts.categoryTechnical
                ? facts.categoryLanguages.filter(technicalLanguages.contains) : facts.categoryLanguages
            if !supported.contains(language) { found.append(.languageNotSupported(language: language, supported: supported)) }
        } else {
            found.append(.incomplete(field: "language"))
        }
        if facts.severity == nil { found.append(.incomplete(field: "severity")) }
        if facts.severityRequiresPhone, (facts.contactPhone ?? "").allSatisfy(\.isWhitespace) { found.append(.phoneRequired) }
        if (facts.contactName ?? "").isEmpty { found.append(.incomplete(field: "contact.name")) }
        if (facts.contactEmail ?? "").isEmpty { found.append(.incomplete(field: "contact.email")) }
        if facts.preferredContact == "phone", (facts.contactPhone ?? "").isEmpty, !found.contains(.phoneRequired) {
            found.append(.incomplete(field: "contact.phone"))
        }
        return found
    }

    /// The broken rules of a draft without a category (or with one the catalogue does not
    /// have), in the same order: the summary before the category, whose rules cannot be known.
    public static func violations(uncategorizedSummary summary: String?) -> [Violation] {
        (lacksSummary(summary) ? [.summaryRequired] : []) + [.incomplete(field: "category")]
    }

    private static func lacksSummary(_ summary: String?) -> Bool {
        (summary ?? "").allSatisfy(\.isWhitespace)
    }
}
