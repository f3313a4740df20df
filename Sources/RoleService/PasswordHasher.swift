import HummingbirdBcrypt
import NIOPosix

/// bcrypt, run on NIO's blocking thread pool so that a 250 ms hash never stalls an event loop
/// or the cooperative pool.
public struct PasswordHasher: Sendable {
    public let cost: Int

    public init(cost: Int) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = UInt8(clamping: cost)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash of a random password at this cost: verifying against it costs as much as
    /// against a real one, so an unknown email takes as long as a wrong password.
    public func decoyHash() async throws -> String {
        try await hash((0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 36) }.joined())
    }
}
