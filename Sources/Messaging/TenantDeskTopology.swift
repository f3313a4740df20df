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

    /// Everything the role service needs.
    public static var roles: AMQPTopology {
        var topology = exchanges
        topology.merge(rpcQueue(RPCQueue.roles))
        return topology
    }

    /// Everything the worker needs.
    public static var worker: AMQPTopology {
        var topology = exchanges
        topology.merge(rpcQueue(RPCQueue.worker))
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
