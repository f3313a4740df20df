import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// What support does to a request besides answering: take, assign or release it, and escalate it
/// to a support manager.
struct SupportWork: Sendable {
    let database: Database
    let outbox: Outbox
    let logger: Logger

    func assign(_ request: AssignRequestMethod.Request) async throws -> ServiceRequestView {
        let context = request.context
        guard context.side == .support else { throw Self.supportOnly }
        let id = try requestID(request.requestID)
        guard let assignee = UUID(uuidString: request.assigneeID) else { throw WorkerProblems.invalid("admin_id is not an administrator id") }
        let view = try await database.withTenantTransaction(try context.tenant(), supportAudience: true) { connection in
            let record = try await lockUnresolved(id, context: context, ifMatch: request.ifMatch, verb: "assigned", on: connection)
            // Assigned to that person already: nothing changes, and the timeline gains nothing.
            if record.assignedTo == assignee { return record.view(side: context.side, now: Date()) }
            let names = try await connection.query("SELECT tenantdesk_support_member(\(assignee))", logger: logger).collect()
            guard let row = names.first, let name = try row.decode(String?.self) else {
                throw WorkerProblems.invalid("admin_id is not an active support engineer or manager")
            }
            let now = Date()
            try await connection.query("""
                UPDATE service_requests SET assigned_to = \(assignee), assigned_to_name = \(name), released_from = NULL,
                    version = version + 1, updated_at = \(now)
                WHERE id = \(id)
                """, logger: logger)
            try await RequestTimeline.record(
                "assigned", request: id, context: context, data: ["assigneeId": assignee.text, "assignee": name],
                on: connection, logger: logger)
            let updated = try await RequestQueries.load(id, context: context, forUpdate: false, on: connection, logger: logger)
            try await Outbox.enqueue(RequestEvent.assigned, updated.event(actor: context.adminID, at: now), on: connection, logger: logger)
            return updated.view(side: context.side, now: now)
        }
        outbox.wake()
        return view
    }

    /// Gives the request back to its queue: the caller's own, or anyone's for a manager. It waits
    /// unassigned, and the assignment sweep passes over the engineer it was released from until
    /// someone else has it. Releasing a request nobody has changes nothing.
    func release(_ request: ReleaseRequestMethod.Request) async throws -> ServiceRequestView {
        let context = request.context
        guard context.side == .support else { throw Self.supportOnly }
        let id = try requestID(request.requestID)
        let caller = try context.admin()
        let view = try await database.withTenantTransaction(try context.tenant(), supportAudience: true) { connection in
            let record = try await lockUnresolved(id, context: context, ifMatch: request.ifMatch, verb: "released", on: connection)
            guard let assignee = record.assignedTo else { return record.view(side: context.side, now: Date()) }
            guard assignee == caller || request.asManager else {
                throw RPCProblem(
                    status: 403, type: ProblemType.forbidden, title: "Forbidden",
                    detail: "the request is assigned to someone else: only a support manager releases it")
            }
            let now = Date()
            try await connection.query("""
                UPDATE service_requests SET assigned_to = NULL, assigned_to_name = NULL, released_from = \(assignee),
                    version = version + 1, updated_at = \(now)
                WHERE id = \(id)
                """, logger: logger)
            try await RequestTimeline.record(
                "released", request: id, context: context,
                data: ["assigneeId": assignee.text, "assignee": record.assignedToName ?? ""], on: connection, logger: logger)
            // Built from the request as it was: the event names the engineer it was released from.
            try await Outbox.enqueue(RequestEvent.released, record.event(actor: context.adminID, at: now), on: connection, logger: logger)
            let updated = try await RequestQueries.load(id, context: context, forUpdate: false, on: connection, logger: logger)
            return updated.view(side: context.side, now: now)
        }
        outbox.wake()
        return view
    }

    func escalate(_ request: EscalateRequestMethod.Request) async throws -> ServiceRequestView {
        let context = request.context
        guard context.side == .support else { throw Self.supportOnly }
        let id = try requestID(request.requestID)
        let reason = try RequestFieldRules.text(request.reason, "reason", max: 2000, multiline: true, allowEmpty: false)
        let view = try await database.withTenantTransaction(try context.tenant(), supportAudience: true) { connection in
            let record = try await RequestQueries.load(id, context: context, forUpdate: true, on: connection, logger: logger)
            guard record.status.isUnresolved else {
                throw RPCProblem(
                    status: 409, type: ProblemType.invalidTransition, title: "Request not open",
                    detail: "only unresolved requests are escalated (status \(record.status.rawValue))")
            }
            let now = Date()
            try await connection.query("""
                UPDATE service_requests SET escalated_at = \(now), escalated_by = \(try context.admin()),
                    escalation_reason = \(reason)
                WHERE id = \(id)
                """, logger: logger)
            // Internal: the customer sees no trace of it (not its version, nor updated_at).
            try await RequestTimeline.record(
                "escalated", request: id, context: context, internalOnly: true, data: ["reason": reason], on: connection, logger: logger)
            let updated = try await RequestQueries.load(id, context: context, forUpdate: false, on: connection, logger: logger)
            try await Outbox.enqueue(RequestEvent.escalated, updated.event(actor: context.adminID, at: now), on: connection, logger: logger)
            return updated.view(side: context.side, now: now)
        }
        outbox.wake()
        return view
    }

    /// The request, locked: refused with 412 when it changed since version `ifMatch`, with 409
    /// when it is resolved or closed (only unresolved requests are `verb`).
    private func lockUnresolved(
        _ id: UUID, context: ActingContext, ifMatch: Int?, verb: String, on connection: PostgresConnection
    ) async throws -> RequestRecord {
        let record = try await RequestQueries.load(id, context: context, forUpdate: true, on: connection, logger: logger)
        if let ifMatch, ifMatch != record.version { throw WorkerProblems.stale }
        guard record.status.isUnresolved else {
            throw RPCProblem(
                status: 409, type: ProblemType.invalidTransition, title: "Request not open",
                detail: "only unresolved requests are \(verb) (status \(record.status.rawValue))")
        }
        return record
    }

    static let supportOnly = RPCProblem(
        status: 403, type: ProblemType.forbidden, title: "Forbidden", detail: "only support assigns, releases and escalates requests")
}
