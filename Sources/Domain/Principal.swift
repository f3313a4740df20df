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
    /// Roles held in the home tenant when the token was issued (narrowed to the API key's scope
    /// for a key's token). Decisions use the roles held at decision time.
    public var roles: [Role]
    /// The API key the token was issued for, when it was.
    public var apiKeyID: String?

    public init(adminID: String, tenantID: String, name: String, email: String, roles: [Role], apiKeyID: String? = nil) {
        self.adminID = adminID
        self.tenantID = tenantID
        self.name = name
        self.email = email
        self.roles = roles
        self.apiKeyID = apiKeyID
    }
}
