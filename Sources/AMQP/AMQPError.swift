/// An error from the AMQP client: what failed, in words, and whether trying again can help.
public struct AMQPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, for callers that react differently to each.
    public enum Kind: Sendable, Equatable {
        /// The TCP connection or the AMQP handshake could not be established.
        case connectFailed
        /// The broker refused the credentials or the virtual host.
        case accessRefused
        /// The client is not connected right now (it is reconnecting in the background).
        case notConnected
        /// The connection dropped while the operation was in flight; its outcome is unknown.
        case connectionLost
        /// The broker closed the channel used by the operation (for example a declaration that
        /// conflicts with an existing queue).
        case channelClosed(code: UInt16)
        /// The broker negatively acknowledged a published message.
        case nacked
        /// A mandatory message could not be routed to any queue.
        case unroutable(code: UInt16)
        /// The deadline of an operation passed before it completed.
        case timeout
        /// The client has been shut down.
        case shutdown
        /// The broker or the library reported something this client does not expect.
        case protocolError
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// A sentence for operators: what failed and why.
    public let message: String

    /// Creates an error of `kind` described by `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Whether retrying the same operation later can succeed.
    public var isRetriable: Bool {
        switch kind {
        case .connectFailed, .notConnected, .connectionLost, .timeout, .nacked:
            return true
        case .accessRefused, .channelClosed, .unroutable, .shutdown, .protocolError:
            return false
        }
    }

    public var description: String { "AMQPError.\(kind): \(message)" }
}
