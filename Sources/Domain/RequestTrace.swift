/// The client request that work is done for: the gateway's `X-Request-Id`. The gateway sets it
/// for each HTTP request; every RPC call made while it is set carries it (the `request-id`
/// header), and the callee sets it again while it handles the call, so that the log lines of
/// all three services about one request name the same id.
public enum RequestTrace {
    @TaskLocal public static var requestID: String?
}
