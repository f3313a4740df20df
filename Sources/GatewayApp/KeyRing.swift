import Contracts
import Logging
import Messaging
import ServiceLifecycle
import Tokens

/// Keeps the token verification keys current: fetches them from the role service at start
/// (retrying until it answers), every five minutes, and when a token names an unknown key id
/// (the role service rotated), at most every 100 ms; concurrent requests share one fetch.
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
        await refreshes.fetch(startedAfter: nil) { await self.fetch() }
    }

    /// When `kid` is unknown, makes sure a fetch that started after this moment has completed
    /// (joining one in progress when it started late enough): the role service publishes a key
    /// before it signs with it, so such a fetch knows every key a valid token can name. Fetches
    /// start at most every 100 ms, so tokens with made-up key ids cannot flood the role service.
    /// Returns whether `kid` is known afterwards.
    func refreshIfUnknown(kid: String) async -> Bool {
        guard await !verifier.knows(kid: kid) else { return true }
        await refreshes.fetch(startedAfter: .now) { await self.fetch() }
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

    /// Key fetches: one at a time, shared by the callers that can use it.
    private actor Refreshes {
        private var inFlight: (task: Task<Bool, Never>, started: ContinuousClock.Instant)?
        private var lastStart: ContinuousClock.Instant?
        static let spacing = Duration.milliseconds(100)

        /// Waits for a fetch that started at or after `instant` (any fetch when nil), starting
        /// one when needed; returns its result.
        @discardableResult
        func fetch(startedAfter instant: ContinuousClock.Instant?, _ body: @escaping @Sendable () async -> Bool) async -> Bool {
            while true {
                if let current = inFlight {
                    let result = await current.task.value
                    if inFlight?.started == current.started { inFlight = nil }
                    if instant.map({ current.started >= $0 }) ?? true { return result }
                    continue
                }
                if let lastStart {
                    let wait = lastStart + Self.spacing - .now
                    if wait > .zero {
                        try? await Task.sleep(for: wait)
                        continue  // Someone may have started one meanwhile.
                    }
                }
                let started = ContinuousClock.now
                let task = Task { await body() }
                inFlight = (task, started)
                lastStart = started
                let result = await task.value
                if inFlight?.started == started { inFlight = nil }
                return result
            }
        }
    }
}
