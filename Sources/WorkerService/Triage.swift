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
    /// The consumer's name, the key of its consumed-message records.
    static let consumer = "triage"

    let database: Database
    let logger: Logger

    var assigner: Assigner { Assigner(logger: logger) }

    /// The consumer's handler: runs in the consumer's transaction (mode `transaction`: it
    /// records the message itself).
    func handle(_ message: AMQPMessage, on connection: PostgresConnection) async throws {
        let event = try JSONCodec.decode(RequestEventBody.self, from: message.body)
        guard let requestID = UUID(uuidString: event.requestID), let tenantID = UUID(uuidString: event.tenantID) else {
            throw TriageError("event names no valid request or tenant id")
        }
        // Recorded as a consumed message and bound in one statement (the consumer's mode is
        // `transaction`); a message recorded before changes nothing.
        guard try await EventConsumer.recordForSupport(
            message, consumer: Self.consumer, tenant: tenantID, on: connection, logger: logger) else { return }
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
        let assignable = record.record.assignedTo == nil && record.record.status.isUnresolved
        // Whether anyone could take it decides the timeline entries, written with the triage in
        // one statement; only then the assignment itself, under the queue's lock.
        // A request taken and given back before its triage came: not straight back to the same engineer.
        let released = record.releasedFrom
        let available = assignable
            ? try await assigner.availability(of: record.record, in: queue, releasedFrom: released, on: connection) : nil
        var notes = [Note(kind: "triaged", data: ["queue": queue])]
        if let available, let note = Self.unassigned(available, queue: queue, language: record.record.fields.language) {
            notes.append(note)
        }
        try await Self.markTriaged(requestID, queue: queue, notes: notes, on: connection, logger: logger)
        guard case .assign = available else { return }
        let outcome = try await assigner.assignChecked(record.record, queue: queue, releasedFrom: released, on: connection)
        if let note = Self.unassigned(outcome, queue: queue, language: record.record.fields.language) {
            try await RequestTimeline.recordSystem(
                note.kind, request: requestID, internalOnly: true, data: note.data, on: connection, logger: logger)
        }
    }

    /// An internal timeline entry of triage.
    struct Note {
        var kind: String
        var data: [String: String]
    }

    /// The `unassigned` entry for an outcome that assigned nobody (nil for an assignment).
    static func unassigned(_ outcome: AssignmentPolicy.Outcome, queue: String, language: String?) -> Note? {
        let reason: String
        switch outcome {
        case .assign: return nil
        case .noMembers: reason = "the queue has no active members"
        case .noLanguageMatch: reason = "no member speaks \(language ?? "the language")"
        case .nobodyOnShift: reason = "nobody who speaks the language is on shift"
        case .onlyReleasedFrom: reason = "only the engineer it was released from could take it now"
        }
        return Note(kind: "unassigned", data: ["queue": queue, "reason": reason])
    }

    /// Marks the request triaged in `queue` and adds `notes` to its timeline (internal, in
    /// order), in one statement.
    static func markTriaged(
        _ id: UUID, queue: String, notes: [Note], on connection: PostgresConnection, logger: Logger
    ) async throws {
        let kinds = notes.map(\.kind)
        let data = try notes.map { String(decoding: try JSONCodec.encode($0.data), as: UTF8.self) }
        try await connection.query("""
            WITH t AS (
                UPDATE service_requests SET triaged_at = now(), queue_id = \(queue) WHERE id = \(id) RETURNING tenant_id, id
            )
            INSERT INTO request_events (tenant_id, request_id, kind, visibility, actor_name, actor_side, data)
            SELECT t.tenant_id, t.id, e.kind, 'internal', 'TenantDesk', 'system', e.data::jsonb
            FROM t, unnest(\(kinds)::text[], \(data)::text[]) WITH ORDINALITY AS e(kind, data, n)
            ORDER BY e.n
            """, logger: logger)
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
            return try await assigner.assign(record.record, queue: queue, releasedFrom: record.releasedFrom, on: connection)
        }
    }

    struct Locked {
        var record: RequestRecord
        var triagedAt: Date?
        /// The engineer who gave the request back, while it waits (the sweep passes over them).
        var releasedFrom: UUID?
    }

    static func lock(
        _ id: UUID, skipLocked: Bool = false, on connection: PostgresConnection, logger: Logger
    ) async throws -> Locked? {
        let rows = skipLocked
            ? try await connection.execute(LockSubmittedRequestUnlessLocked(id: id), logger: logger)
            : try await connection.execute(LockSubmittedRequest(id: id), logger: logger)
        for try await row in rows {
            var cells = RowCells(row)
            return Locked(
                record: try RequestRecord(cells: &cells), triagedAt: try cells.next("triaged_at", Date?.self),
                releasedFrom: try cells.next("released_from", UUID?.self))
        }
        return nil
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
