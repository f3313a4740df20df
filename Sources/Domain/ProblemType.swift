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
