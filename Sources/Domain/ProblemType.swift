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

extension ProblemType {
    /// 422: technical support is given in English and Japanese only (or the category does not
    /// list the language).
    public static let languageNotSupported = "urn:tenantdesk:problem:language-not-supported"
    /// 422: severity A needs a phone number: someone must be reachable around the clock.
    public static let phoneRequired = "urn:tenantdesk:problem:phone-required"
    /// 422: a request needs a summary.
    public static let summaryRequired = "urn:tenantdesk:problem:summary-required"
    /// 422: the tenant's support plan does not cover the category.
    public static let categoryNotCovered = "urn:tenantdesk:problem:category-not-covered"
    /// 422: the draft lacks something submission needs (category, severity, contact, ...).
    public static let draftIncomplete = "urn:tenantdesk:problem:draft-incomplete"
    /// 409: the transition is not allowed from the request's status; the detail names those that are.
    public static let invalidTransition = "urn:tenantdesk:problem:invalid-transition"
    /// 412: `If-Match` names a version that is no longer current.
    public static let preconditionFailed = "urn:tenantdesk:problem:precondition-failed"
    /// 428: the change needs `If-Match` with the ETag from GET.
    public static let preconditionRequired = "urn:tenantdesk:problem:precondition-required"
    /// 422: the Idempotency-Key was used before with a different body.
    public static let idempotencyKeyReused = "urn:tenantdesk:problem:idempotency-key-reused"
    /// 409: a call with this Idempotency-Key is still being processed.
    public static let idempotencyInFlight = "urn:tenantdesk:problem:idempotency-in-flight"
    /// 415: the attachment's content is not on the allow-list (or is an executable or script).
    public static let attachmentTypeNotAllowed = "urn:tenantdesk:problem:attachment-type-not-allowed"
    /// 422: a webhook URL points at a loopback or private address the installation does not allow.
    public static let webhookTargetRefused = "urn:tenantdesk:problem:webhook-target-refused"
}
