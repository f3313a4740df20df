import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Store
import Synchronization

/// The facts of recent authorization decisions, kept in memory so that a decision the gateway
/// has not cached costs no PostgreSQL round trip.
///
/// Every change to the tables the facts come from notifies `tenantdesk_authz` when it commits
/// (triggers, whoever makes the change); this cache listens on a connection of its own and drops
/// everything it holds at each notification. Facts read while a notification arrived are not
/// kept, so none outlives the change that made it stale. While the listening connection is
/// down nothing is kept or served, and every entry is read again after at most `maximumAge`.
/// What depends on the clock (a relationship's end, an API key's expiry) is judged at each
/// decision, never cached.
public final class FactsCache: Service, Sendable {
    struct Key: Hashable, Sendable {
        var admin: UUID
        var home: UUID
        var target: UUID
        var apiKey: UUID?
    }

    private struct Entry {
        var facts: Authorizer.Loaded
        var storedAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var generation: UInt64 = 0
        var listening = false
        var hits: UInt64 = 0
        var misses: UInt64 = 0
        var notifications: UInt64 = 0
        var lastPayload = ""

        /// Forgets every entry; facts being read meanwhile will not be stored.
        mutating func dropAll() {
            entries.removeAll()
            generation &+= 1
        }
    }

    /// The channel the triggers of sql/0016 notify.
    static let channel = "tenantdesk_authz"
    static let maximumEntries = 100_000
    /// A backstop: an entry is read again after this long even without a notification.
    static let maximumAge = Duration.seconds(60)

    private let state = Mutex(State())
    private let database: Database
    private let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// How many lookups were answered from memory, how many went to PostgreSQL, and how many
    /// change notifications arrived.
    public var statistics: (hits: UInt64, misses: UInt64, notifications: UInt64) {
        state.withLock { ($0.hits, $0.misses, $0.notifications) }
    }

    /// The payload of the last notification (the table changed, or a test's marker).
    var lastPayload: String { state.withLock { $0.lastPayload } }

    /// The facts held for `key`, or nil and the generation to hand back to `store`.
    func lookup(_ key: Key) -> (Authorizer.Loaded?, UInt64) {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard state.listening, let entry = state.entries[key], now - entry.storedAt < Self.maximumAge else {
                return (nil, state.generation)
            }
            state.hits &+= 1
            return (entry.facts, state.generation)
        }
    }

    /// Keeps facts read from PostgreSQL under `generation` (a miss), unless a change arrived since.
    func store(_ facts: Authorizer.Loaded, for key: Key, generation: UInt64) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.misses &+= 1
            guard state.listening, state.generation == generation else { return }
            if state.entries.count >= Self.maximumEntries { state.entries.removeAll() }
            state.entries[key] = Entry(facts: facts, storedAt: now)
        }
    }

    /// Drops everything (on a notification, and right after a change this process committed).
    public func invalidateAll() {
        state.withLock { $0.dropAll() }
    }

    private func setListening(_ listening: Bool) {
        state.withLock { state in
            state.listening = listening
            state.dropAll()
        }
    }

    /// Listens for changes until shutdown, listening again after a lost connection.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var delay = Duration.milliseconds(100)
            while !Task.isCancelled {
                do {
                    try await self.listen()
                } catch {
                    if self.state.withLock({ $0.listening }) { delay = .milliseconds(100) }
                    if Task.isCancelled { break }
                    self.logger.warning(
                        "not listening for authorization changes; decisions read PostgreSQL meanwhile",
                        metadata: ["error": "\(String(reflecting: error))", "retry_in": "\(delay)"])
                }
                self.setListening(false)
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        setListening(false)
    }

    private func listen() async throws {
        try await database.client.withConnection { connection in
            try await connection.listen(on: Self.channel) { notifications in
                // LISTEN is in effect once this closure runs: changes committed from now on arrive.
                self.setListening(true)
                for try await notification in notifications {
                    self.state.withLock { state in
                        state.dropAll()
                        state.lastPayload = notification.payload
                        state.notifications &+= 1
                    }
                }
            }
        }
    }
}
