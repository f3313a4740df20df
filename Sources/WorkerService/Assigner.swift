import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// Gives an unassigned request to an engineer of its queue (`AssignmentPolicy`), in the caller's
/// transaction, which is bound to the request's tenant with the support audience.
struct Assigner: Sendable {
    let logger: Logger

    /// Assigns request `id` (locked by the caller) in `queue`, to anyone but `releasedFrom`;
    /// returns the outcome.
    func assign(
        _ record: RequestRecord, queue: String, releasedFrom: UUID? = nil, on connection: PostgresConnection
    ) async throws -> AssignmentPolicy.Outcome {
        let unlocked = try await availability(of: record, in: queue, releasedFrom: releasedFrom, on: connection)
        guard case .assign = unlocked else { return unlocked }
        return try await assignChecked(record, queue: queue, releasedFrom: releasedFrom, on: connection)
    }

    /// Whether anyone in `queue` could take the request now, without the queue's lock and
    /// without counting open work (whether anyone can does not depend on the counts). Nobody:
    /// nothing to wait for. A queue nobody staffs would otherwise queue every triage of it on
    /// the lock, each holding a database connection.
    func availability(
        of record: RequestRecord, in queue: String, releasedFrom: UUID? = nil, on connection: PostgresConnection
    ) async throws -> AssignmentPolicy.Outcome {
        AssignmentPolicy.choose(
            for: record.fields.language,
            among: try await candidates(of: queue, countingWork: false, on: connection).map(\.candidate), at: Date(),
            releasedFrom: releasedFrom)
    }

    /// `assign` after `availability` said someone can: chooses under the queue's lock with the
    /// open work counted (the outcome may still be nobody, if things changed meanwhile).
    func assignChecked(
        _ record: RequestRecord, queue: String, releasedFrom: UUID? = nil, on connection: PostgresConnection
    ) async throws -> AssignmentPolicy.Outcome {
        let language = record.fields.language
        // One assignment at a time per queue, so that concurrent triage sees each other's counts.
        try await connection.query(
            "SELECT pg_advisory_xact_lock(hashtextextended('tenantdesk.queue:' || \(queue), 0))", logger: logger)
        let candidates = try await self.candidates(of: queue, countingWork: true, on: connection)
        let now = Date()
        let outcome = AssignmentPolicy.choose(
            for: language, among: candidates.map(\.candidate), at: now, releasedFrom: releasedFrom)
        guard case .assign(let engineer) = outcome, let name = candidates.first(where: { $0.candidate.id == engineer })?.name else {
            return outcome
        }
        try await connection.query("""
            UPDATE service_requests SET assigned_to = \(engineer), assigned_to_name = \(name), assigned_at = \(now),
                released_from = NULL, version = version + 1, updated_at = \(now)
            WHERE id = \(record.id) AND assigned_to IS NULL
            """, logger: logger)
        try await connection.query("""
            UPDATE support_queue_members SET last_assigned_at = \(now) WHERE queue_id = \(queue) AND admin_id = \(engineer)
            """, logger: logger)
        try await RequestTimeline.recordSystem(
            "assigned", request: record.id, internalOnly: false, data: ["assigneeId": engineer.text, "assignee": name, "queue": queue],
            on: connection, logger: logger)
        var assigned = record
        assigned.assignedTo = engineer
        assigned.assignedToName = name
        try await Outbox.enqueue(RequestEvent.assigned, assigned.event(actor: nil, at: now), on: connection, logger: logger)
        return outcome
    }

    private struct Member {
        var candidate: AssignmentPolicy.Candidate
        var name: String
    }

    /// The queue's active members who are active support staff, with their open work when
    /// `countingWork` (it counts every open request assigned to them, across tenants; otherwise 0).
    private func candidates(of queue: String, countingWork: Bool, on connection: PostgresConnection) async throws -> [Member] {
        var query = QueryBuilder()
        let id = query.bind(queue)
        let work = countingWork
            ? "tenantdesk_open_work(ARRAY(SELECT admin_id FROM support_queue_members WHERE queue_id = \(id) AND active))"
            : "(SELECT NULL::uuid AS admin_id, NULL::bigint AS open_requests)"
        query.append("""
            SELECT m.admin_id, m.languages, m.last_assigned_at, tenantdesk_support_member(m.admin_id),
                   k.id, k.name, k.time_zone, k.weekly_hours::text, k.holidays::text[], w.open_requests
            FROM support_queue_members m
            LEFT JOIN support_calendars k ON k.id = m.shift_calendar_id
            LEFT JOIN \(work) w ON w.admin_id = m.admin_id
            WHERE m.queue_id = \(id) AND m.active
            """)
        let rows = try await connection.query(query.query, logger: logger)
        var members: [Member] = []
        for try await (id, languages, last, name, calendarID, calendarName, zone, weekly, holidays, open) in rows.decode(
            (UUID, [String], Date?, String?, String?, String?, String?, String?, [String]?, Int?).self
        ) {
            guard let name else { continue }  // Disabled, or no longer in a support role.
            let shift = try SupportCatalogue.calendar(
                id: calendarID, name: calendarName, timeZone: zone, weekly: weekly, holidays: holidays)
            members.append(Member(
                candidate: .init(id: id, languages: languages, shift: shift, openRequests: open ?? 0, lastAssignedAt: last),
                name: name))
        }
        return members
    }
}
