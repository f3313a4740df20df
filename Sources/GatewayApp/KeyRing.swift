import Contracts
import Logging
import Messaging
import ServiceLifecycle
import Tokens

/// Keeps the token verification keys current: fetches them from the role service at start
/// (retrying until it answers), every five minutes, and when a token names an unknown key id
/// (the role service rotated), at most once a second.
final class KeyRing: Service, Sendable {
    let verifier = TokenVerifier()
    private let rpc: RPCClient
    private let logger: Logger
    private let lastRefresh = LastRefresh()

    init(rpc: RPCClient, logger: Logger) {
        self.rpc = rpc
        self.logger = logger
    }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let interval: Duration = await refresh() ? .seconds(300) : .seconds(1)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Fetches the keys now; returns whether it worked.
    @discardableResult
    func refresh() async -> Bool {
        await lastRefresh.mark()
        do {
            let response = try await rpc.call(SigningKeysMethod.self, .init())
            try await verifier.install(response.keys)
            return true
        } catch {
            logger.warning("cannot fetch token verification keys", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Refreshes when `kid` is unknown and the last refresh is old enough; returns whether the
    /// keys were fetched anew.
    func refreshIfUnknown(kid: String) async -> Bool {
        guard await !verifier.knows(kid: kid), await lastRefresh.olderThan(.seconds(1)) else { return false }
        return await refresh()
    }

    private actor LastRefresh {
        var at: ContinuousClock.Instant?
        func mark() { at = .now }
        func olderThan(_ age: Duration) -> Bool { at.map { .now - $0 > age } ?? true }
    }
}
