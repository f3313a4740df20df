import AMQP
import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceLifecycle
import Store

/// Triage of submitted requests (`request.submitted`): confirms the queue by the routing rules
/// when submission left none, marks the request triaged, and assigns an engineer. A request
/// nobody can take now (no one on shift, no one speaking its language) stays unassigned in its
/// queue; the assignment sweep offers those again, severity A first.
struct Triage: Sendable {
    let database: Database
    let logger: Logger

    var assigner: Assigner { Assigner(logger: logger) }

    /// The consumer's handler: runs in the consumer's transaction.
    func handle(_ message: AMQPMessage, on connection: PostgresConnection) async throws {
        let event = try JSONCodec.decode(RequestEventBody.self, from: message.body)
        guard let requestID = UUID(uuidString: event.requestID), let tenantID = UUID(uuidString: event.tenantID) else {
            throw TriageError("event names no valid request or tenant id")
        }
        try await database.bindForSupport(tenantID, on: connection)
        guard let record = try await Self.lock(requestID, on: connection, logger: logger) else {
            throw TriageError("request \(requestID.text) of tenant \(tenantID.text) does not exist")
        }
        guard record.triagedAt == nil else { return }  // Triaged before (a duplicate event).
        var queue = record.record.queue
        if queue == nil {
            let routed = try await connection.query("""
                SELECT coalesce(tenantdesk_route_queue(\(record.record.fields.category), \(record.record.fields.language),
                                                       \(record.record.fields.severity?.rawValue)),
                                (SELECT id FROM support_queues WHERE is_default))
                """, logger: logger)
            for try await id in routed.decode(String?.self) { queue = id }
        }
        guard let queue else { throw TriageError("no queue: no routing rule matched and no default queue exists") }
        try await connection.query(
            "UPDATE service_requests SET triaged_at = now(), queue_id = \(queue) WHERE id = \(requestID)", logger: logger)
        try await RequestTimeline.recordSystem(
            "triaged", request: requestID, internalOnly: true, data: ["queue": queue], on: connection, logger: logger)
        guard record.record.assignedTo == nil, record.record.status.isUnresolved else { return }
        let reason: String
        switch try await assigner.assign(record.record, queue: queue, on: connection) {
        case .assign: return
        case .noMembers: reason = "the queue has no active members"
        case .noLanguageMatch: reason = "no member speaks \(record.record.fields.language ?? "the language")"
        case .nobodyOnShift: reason = "nobody who speaks the language is on shift"
        }
        try await RequestTimeline.recordSystem(
            "unassigned", request: requestID, internalOnly: true, data: ["queue": queue, "reason": reason],
            on: connection, logger: logger)
    }

    /// Offers unassigned, triaged requests again (severity A first, then by due time), page by
    /// page, at most `maxPages × pageSize` a round, so that requests nobody can take do not hide
    /// those behind them. Once a queue has nobody for a language, the round passes over the rest
    /// of that queue and language without a transaction each.
    func sweep(pageSize: Int = 100, maxPages: Int = 20) async throws -> SweepRound {
        var round = SweepRound()
        var after: (severity: String, due: Date, id: UUID)?
        for _ in 0..<maxPages {
            let rows = try await database.client.query("""
                SELECT request_id, tenant_id, severity, due_at, queue_id, language
                FROM tenantdesk_unassigned_requests_after(\(pageSize)::int, \(after?.severity), \(after?.due), \(after?.id))
                """, logger: logger)
            var page: [(id: UUID, tenant: UUID, severity: String, due: Date, waiting: SweepRound.Waiting)] = []
            for try await (id, tenant, severity, due, queue, language) in rows.decode(
                (UUID, UUID, String, Date, String?, String?).self
            ) {
                page.append((id, tenant, severity, due, SweepRound.Waiting(queue: queue, language: language)))
            }
            for request in page where round.shouldOffer(request.waiting) {
                round.record(try await offer(request.id, request.tenant), for: request.waiting)
            }
            guard page.count == pageSize, let last = page.last else { break }
            after = (last.severity, last.due, last.id)
        }
        return round
    }

    /// Offers one waiting request to its queue again: the policy's outcome, or nil when the
    /// request was taken, locked or changed meanwhile.
    private func offer(_ requestID: UUID, _ tenantID: UUID) async throws -> AssignmentPolicy.Outcome? {
        try await database.withTransaction { connection -> AssignmentPolicy.Outcome? in
            try await database.bindForSupport(tenantID, on: connection)
            guard let record = try await Self.lock(requestID, skipLocked: true, on: connection, logger: logger),
                  record.record.assignedTo == nil, record.record.status.isUnresolved, let queue = record.record.queue
            else { return nil }
            return try await assigner.assign(record.record, queue: queue, on: connection)
        }
    }

    struct Locked {
        var record: RequestRecord
        var triagedAt: Date?
    }

    static func lock(
        _ id: UUID, skipLocked: Bool = false, on connection: PostgresConnection, logger: Logger
    ) async throws -> Locked? {
        let rows = try await connection.query("""
            SELECT \(unescaped: RequestRecord.columns), r.triaged_at FROM service_requests r
            WHERE r.id = \(id) AND r.status <> 'draft' FOR UPDATE OF r \(unescaped: skipLocked ? "SKIP LOCKED" : "")
            """, logger: logger).collect()
        guard let row = rows.first else { return nil }
        return Locked(record: try RequestRecord(row: row), triagedAt: try row.makeRandomAccess()["triaged_at"].decode(Date?.self))
    }
}

struct TriageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Offers unassigned requests again every `interval` (engineers come on shift, join queues).
struct AssignmentSweep: Service {
    let triage: Triage
    let outbox: Outbox
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await Periodic.run(every: interval, logger: logger, label: "assignment sweep") {
            if try await triage.sweep().assigned > 0 { outbox.wake() }
        }
    }
}
