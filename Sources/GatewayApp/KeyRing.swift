import Contracts
import Logging
import Messaging
import ServiceLifecycle
import Tokens

/// Keeps the token verification keys current: fetches them from the role service at start
/// (retrying until it answers), every five minutes, and when a token names an unknown key id
/// (the role service rotated), at most once a second; concurrent requests share one fetch.
final class KeyRing: Service, Sendable {
    let verifier = TokenVerifier()
    private let rpc: RPCClient
    private let logger: Logger
    private let refreshes = Refreshes()

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

    /// Fetches the keys now (or joins a fetch in progress); returns whether it worked.
    @discardableResult
    func refresh() async -> Bool {
        await refreshes.run(notWithin: nil) { await self.fetch() } ?? false
    }

    /// When `kid` is unknown, fetches the keys unless that was done less than a second ago; a
    /// request that arrives while a fetch is in progress waits for it rather than failing.
    /// Returns whether `kid` is known afterwards.
    func refreshIfUnknown(kid: String) async -> Bool {
        guard await !verifier.knows(kid: kid) else { return true }
        _ = await refreshes.run(notWithin: .seconds(1)) { await self.fetch() }
        return await verifier.knows(kid: kid)
    }

    private func fetch() async -> Bool {
        do {
            let response = try await rpc.call(SigningKeysMethod.self, .init())
            try await verifier.install(response.keys)
            return true
        } catch {
            logger.warning("cannot fetch token verification keys", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// One fetch at a time: callers arriving meanwhile share its result.
    private actor Refreshes {
        var inFlight: Task<Bool, Never>?
        var finishedAt: ContinuousClock.Instant?

        /// Joins the fetch in progress, or starts one unless the last finished within `notWithin`
        /// (then nil).
        func run(notWithin: Duration?, _ fetch: @escaping @Sendable () async -> Bool) async -> Bool? {
            if let inFlight { return await inFlight.value }
            if let notWithin, let finishedAt, ContinuousClock.now - finishedAt < notWithin { return nil }
            let task = Task { await fetch() }
            inFlight = task
            let result = await task.value
            inFlight = nil
            finishedAt = .now
            return result
        }
    }
}
