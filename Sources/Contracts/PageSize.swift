/// How many items a page of a list may hold: the API's default and its bounds, the same for
/// every list (the gateway fills in the default; the services check the bounds again).
public enum PageSize {
    public static let standard = 50
    public static let allowed = 1...200
    /// The rule, for a refused page size.
    public static let rule = "limit must be between 1 and 200"
}
