/// Stable `type` URIs of the problems the API answers with (RFC 9457). Clients switch on these;
/// they never change meaning. Each is documented in docs/problems.md.
public enum ProblemType {
    private static let prefix = "urn:tenantdesk:problem:"
    public static let malformedRequest = prefix + "malformed-request"
    public static let validationFailed = prefix + "validation-failed"
    public static let payloadTooLarge = prefix + "payload-too-large"
    public static let unsupportedMediaType = prefix + "unsupported-media-type"
    public static let invalidCredentials = prefix + "invalid-credentials"
    public static let unauthenticated = prefix + "unauthenticated"
    public static let forbidden = prefix + "forbidden"
    public static let notFound = prefix + "not-found"
    public static let methodNotAllowed = prefix + "method-not-allowed"
    public static let serviceUnavailable = prefix + "service-unavailable"
    public static let upstreamTimeout = prefix + "upstream-timeout"
    public static let internalError = prefix + "internal-error"
}

extension ProblemType {
    /// 429: too many failed logins for the account or the address; see `Retry-After`.
    public static let loginThrottled = "urn:tenantdesk:problem:login-throttled"
    /// 401: the refresh token or API key is unknown, used, revoked or expired.
    public static let invalidGrant = "urn:tenantdesk:problem:invalid-grant"
    /// 403: the caller's tenant (or the customer acted for) is suspended.
    public static let tenantSuspended = "urn:tenantdesk:problem:tenant-suspended"
    /// 409: the change would leave the tenant without an active administrator who manages it.
    public static let lastTenantAdmin = "urn:tenantdesk:problem:last-tenant-admin"
    /// 409: the email belongs to another administrator.
    public static let emailTaken = "urn:tenantdesk:problem:email-taken"
    /// 409: the relationship is not in a state that allows this (approving an active one, ...).
    public static let relationshipState = "urn:tenantdesk:problem:relationship-state"
    /// 422: the body sets a field the caller may not set (tenant, ownership, roles it cannot grant).
    public static let fieldNotAllowed = "urn:tenantdesk:problem:field-not-allowed"
    /// 422: the password is too short, too long, or on the list of common and breached passwords.
    public static let weakPassword = "urn:tenantdesk:problem:weak-password"
}
