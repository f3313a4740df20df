import AMQP
import Contracts

/// The exchanges and queues of TenantDesk. Each process declares what it uses on every connect.
public enum TenantDeskTopology {
    /// The domain-event exchange and the dead-letter exchange.
    public static let exchanges = AMQPTopology(exchanges: [
        .init(name: ExchangeName.events, kind: .topic),
        .init(name: ExchangeName.deadLetter, kind: .topic),
    ])

    /// The RPC queue of one service. Requests are transient and expire at their caller's
    /// deadline, so a classic queue suffices; it is durable so that it exists while a service
    /// restarts and callers get a timeout rather than "no route".
    public static func rpcQueue(_ name: String) -> AMQPTopology {
        AMQPTopology(queues: [.init(name: name, kind: .classic, durable: true)])
    }

    /// Redeliveries of one message after which a work queue dead-letters it instead of requeueing
    /// (so a failing message is tried `deliveryLimit + 1` times).
    /// RabbitMQ 3.10 has no default: without it, a message that always fails would loop for ever
    /// and grow the quorum log until the disk fills. (An operator policy may lower it.)
    public static let deliveryLimit = 5

    /// A work queue: quorum (replicated, counts deliveries), dead-lettered at least once to
    /// `tenantdesk.dead-letter` after `deliveryLimit` deliveries or a `basic.reject` without
    /// requeue, and bound to the event exchange with `routingKeys`.
    public static func workQueue(_ name: String, routingKeys: [String]) -> AMQPTopology {
        AMQPTopology(
            queues: [.init(
                name: name, kind: .quorum, durable: true, deadLetterExchange: ExchangeName.deadLetter,
                deliveryLimit: deliveryLimit, overflow: .rejectPublish, atLeastOnceDeadLettering: true)],
            bindings: routingKeys.map { .init(queue: name, exchange: ExchangeName.events, routingKey: $0) })
    }

    /// The queue of every dead letter (bound to the dead-letter exchange with `#`).
    public static var deadLetterQueue: AMQPTopology {
        AMQPTopology(
            queues: [.init(name: WorkQueue.deadLetters, kind: .quorum, durable: true)],
            bindings: [.init(queue: WorkQueue.deadLetters, exchange: ExchangeName.deadLetter, routingKey: "#")])
    }

    /// Triage and assignment consume `request.submitted`.
    public static var triage: AMQPTopology { workQueue(WorkQueue.triage, routingKeys: ["request.submitted"]) }

    /// The notification feed consumes what concerns people on a request.
    public static var notifications: AMQPTopology {
        workQueue(WorkQueue.notifications, routingKeys: [
            "request.message_added", "request.status_changed", "request.assigned", "request.released", "request.resolved",
            "request.closed",
            "request.sla_breached", RoleEvent.delegationPrefix + "expiring",
        ])
    }

    /// Webhook fan-out consumes every event a webhook can subscribe to.
    public static var webhooks: AMQPTopology { workQueue(WorkQueue.webhooks, routingKeys: WebhookEventType.all) }

    /// Everything the role service needs.
    public static var roles: AMQPTopology {
        var topology = exchanges
        topology.merge(rpcQueue(RPCQueue.roles))
        return topology
    }

    /// Everything the worker needs (it asks the role service whom a notification may reach).
    public static var worker: AMQPTopology {
        var topology = exchanges
        topology.merge(rpcQueue(RPCQueue.worker))
        topology.merge(rpcQueue(RPCQueue.roles))
        topology.merge(deadLetterQueue)
        topology.merge(triage)
        topology.merge(notifications)
        topology.merge(webhooks)
        return topology
    }

    /// Everything the gateway needs (it calls both services).
    public static var gateway: AMQPTopology {
        var topology = exchanges
        topology.merge(rpcQueue(RPCQueue.roles))
        topology.merge(rpcQueue(RPCQueue.worker))
        return topology
    }
}
