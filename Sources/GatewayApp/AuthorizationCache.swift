import AMQP
import Contracts
import Domain
import Foundation
import Logging
import Messaging
import ServiceLifecycle
import Synchronization

/// Authorization decisions of the role service, cached briefly.
///
/// The role service announces every change that can alter a decision (`authz.changed` on the
/// event exchange); this gateway's own queue receives them and drops every cached decision. A
/// decision fetched while an event arrived is not stored, so no decision outlives the event
/// that invalidated it. After a reconnect (events may have been missed) the cache starts empty,
/// and while RabbitMQ is unreachable nothing is served from it.
public final class AuthorizationCache: Service, Sendable {
    private struct Entry {
        var decision: Authorization.Decision
        var expiresAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [AuthorizeMethod.Request: Entry] = [:]
        var generation: UInt64 = 0
        var connectionCount: UInt64 = 0
    }

    private let state = Mutex(State())
    private let rpc: RPCClient
    private let connection: AMQPConnection
    private let ttl: Duration
    private let queue: String
    private let logger: Logger
    private let keysChanged: @Sendable () async -> Void
    static let maximumEntries = 100_000

    /// `keysChanged` runs when `signing_keys.changed` arrives on the same queue.
    public init(
        rpc: RPCClient, connection: AMQPConnection, ttl: Duration, queue: String, logger: Logger,
        keysChanged: @escaping @Sendable () async -> Void = {}
    ) {
        self.rpc = rpc
        self.connection = connection
        self.ttl = ttl
        self.queue = queue
        self.logger = logger
        self.keysChanged = keysChanged
    }

    /// The queue of one gateway: exclusive to its connection, deleted with it, bound to the
    /// invalidation events.
    public static func topology(queue: String) -> AMQPTopology {
        AMQPTopology(
            queues: [.init(name: queue, durable: false, exclusive: true, autoDelete: true)],
            bindings: [
                .init(queue: queue, exchange: ExchangeName.events, routingKey: RoleEvent.authorizationChanged),
                .init(queue: queue, exchange: ExchangeName.events, routingKey: RoleEvent.signingKeysChanged),
            ])
    }

    /// The decision, from the cache when fresh, else from the role service.
    public func decision(_ request: AuthorizeMethod.Request) async throws(RPCProblem) -> Authorization.Decision {
        let now = ContinuousClock.now
        let connected = connection.isConnected
        let count = connection.connectionCount
        let (cached, generation) = state.withLock { state -> (Authorization.Decision?, UInt64) in
            if state.connectionCount != count {
                state.entries.removeAll()
                state.connectionCount = count
                state.generation &+= 1
            }
            guard connected, ttl > .zero, let entry = state.entries[request], now < entry.expiresAt else {
                return (nil, state.generation)
            }
            return (entry.decision, state.generation)
        }
        if let cached { return cached }
        let response = try await rpc.call(AuthorizeMethod.self, request)
        // A delegation's allow is not kept past the relationship's end (expiry is decided by the clock).
        var expiresAt = now + ttl
        if let validUntil = response.validUntil {
            expiresAt = min(expiresAt, now + .milliseconds(Int64(max(0, validUntil.timeIntervalSinceNow) * 1000)))
        }
        state.withLock { state in
            guard state.generation == generation, ttl > .zero else { return }
            if state.entries.count >= Self.maximumEntries { state.entries.removeAll() }
            state.entries[request] = Entry(decision: response.decision, expiresAt: expiresAt)
        }
        return response.decision
    }

    /// Drops every cached decision (on an event, and at once after a change made through this
    /// gateway, so its caller's next request sees the change).
    public func invalidateAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.generation &+= 1
        }
    }

    /// Consumes the invalidation events until shutdown.
    public func run() async throws {
        let consumer = connection.consume(queue: queue, prefetch: 64)
        try await withGracefulShutdownHandler {
            for try await delivery in consumer {
                if delivery.message.routingKey == RoleEvent.signingKeysChanged {
                    await keysChanged()
                } else {
                    invalidateAll()
                }
                delivery.ack()
            }
        } onGracefulShutdown: {
            consumer.cancel()
        }
    }
}
