/// Who is calling: an authenticated administrator, as carried in an access token.
public struct Principal: Codable, Sendable, Equatable {
    /// Administrator id (UUID, lower case).
    public var adminID: String
    /// Home tenant id (UUID, lower case).
    public var tenantID: String
    /// Display name.
    public var name: String
    /// Login email (normalised).
    public var email: String
    /// Roles held in the home tenant.
    public var roles: [Role]

    public init(adminID: String, tenantID: String, name: String, email: String, roles: [Role]) {
        self.adminID = adminID
        self.tenantID = tenantID
        self.name = name
        self.email = email
        self.roles = roles
    }
}
