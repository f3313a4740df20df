import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceLifecycle
import Store

/// Watches every open request's first-response due time: a warning at 75 % of the target, a
/// breach at 100 %, which also escalates the request to its queue's support manager (it then
/// sorts first in the engineers' priority list). Any number of copies may run: each request is
/// claimed by exactly one (`tenantdesk_claim_sla_events`, `FOR UPDATE SKIP LOCKED`), and the
/// claim, the timeline entry and the event commit together.
struct SLAMonitor: Service {
    let database: Database
    let outbox: Outbox
    let interval: Duration
    let logger: Logger

    /// The most requests one transaction claims.
    static let batch = 100

    /// Sweeps every `interval` until a graceful shutdown, which cancels a sweep in progress (its
    /// claims roll back and are made again later).
    func run() async throws {
        try? await Periodic.run(every: interval, logger: logger, label: "SLA sweep") { _ = try await sweep() }
    }

    /// Claims and announces everything due now; returns the events by kind.
    func sweep() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        while true {
            let claimed = try await database.withTransaction { connection in
                let rows = try await connection.query("""
                    SELECT kind, request_id, tenant_id, number, severity, queue_id, assigned_to, requested_by, manager_id, due_at
                    FROM tenantdesk_claim_sla_events(now(), \(Self.batch)::int)
                    """, logger: logger)
                var events: [SLAEvent] = []
                for try await (kind, request, tenant, number, severity, queue, assignee, requester, manager, due) in rows.decode(
                    (String, UUID, UUID, Int?, String?, String?, UUID?, UUID, UUID?, Date).self
                ) {
                    events.append(SLAEvent(
                        kind: kind, requestID: request.text, tenantID: tenant.text, number: number,
                        severity: severity.flatMap(Severity.init(rawValue:)), queue: queue, assignedTo: assignee?.text,
                        requestedBy: requester.text, managerID: manager?.text, dueAt: due, occurredAt: Date()))
                }
                for event in events {
                    try await announce(event, on: connection)
                }
                return events
            }
            for event in claimed { counts[event.kind, default: 0] += 1 }
            if !claimed.isEmpty { outbox.wake() }
            if claimed.count < Self.batch { return counts }
        }
    }

    private func announce(_ event: SLAEvent, on connection: PostgresConnection) async throws {
        guard let tenant = UUID(uuidString: event.tenantID), let request = UUID(uuidString: event.requestID) else { return }
        try await database.bindForSupport(tenant, on: connection)
        var data = ["dueAt": event.dueAt.formatted(.iso8601)]
        if let manager = event.managerID { data["managerId"] = manager }
        let breach = event.kind == SLAEvent.breach
        try await RequestTimeline.recordSystem(
            breach ? "sla_breached" : "sla_warning", request: request, internalOnly: true, data: data, on: connection, logger: logger)
        try await Outbox.enqueue(breach ? RequestEvent.slaBreached : RequestEvent.slaWarning, event, on: connection, logger: logger)
    }
}
