import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// Severity changes. Support changes a severity at once, with a reason; a customer proposes one,
/// which support accepts or declines. A change that takes effect before the first response
/// re-baselines the target: the new severity's target runs from the moment of the change.
struct SeverityChanges: Sendable {
    let database: Database
    let catalogue: SupportCatalogue
    let idempotency: Idempotency
    let outbox: Outbox
    let logger: Logger

    func change(_ request: ChangeSeverityMethod.Request) async throws -> SeverityChangeView {
        let context = request.context
        let id = try requestID(request.requestID)
        let reason = try RequestFieldRules.text(request.reason, "reason", max: 2000, multiline: true, allowEmpty: false)
        let view: SeverityChangeView = try await idempotency.run(
            context, key: request.idempotencyKey, operation: "severity.change",
            fingerprint: [request.requestID, request.severity.rawValue, reason]
        ) { connection in
            let record = try await RequestQueries.load(id, context: context, forUpdate: true, on: connection, logger: logger)
            guard record.status.isUnresolved, let current = record.fields.severity else {
                throw RPCProblem(
                    status: 409, type: ProblemType.invalidTransition, title: "Request not open",
                    detail: "the severity of unresolved requests only can change (status \(record.status.rawValue))")
            }
            guard current != request.severity else { throw WorkerProblems.invalid("the request already has severity \(current.rawValue)") }
            if request.severity == .a, (record.fields.contact?.phone ?? "").isEmpty {
                throw WorkerProblems.violation(.phoneRequired, also: [])
            }
            let changeID = UUID()
            let now = Date()
            let applied = context.side == .support
            let admin = try context.admin()
            let open = try await connection.query(
                "SELECT 1 FROM severity_changes WHERE request_id = \(id) AND status = 'proposed'", logger: logger).collect()
            guard applied || open.isEmpty else {
                throw RPCProblem(
                    status: 409, type: ProblemType.invalidTransition, title: "Proposal open",
                    detail: "a severity change is already proposed for this request; support decides it first")
            }
            try await connection.query("""
                INSERT INTO severity_changes (id, tenant_id, request_id, from_severity, to_severity, reason, status, requested_by,
                                              requested_by_name, requested_side, via_relationship, requested_at,
                                              decided_by, decided_by_name, decided_at)
                VALUES (\(changeID), tenantdesk_current_tenant(), \(id), \(current.rawValue), \(request.severity.rawValue), \(reason),
                        \(applied ? "applied" : "proposed"), \(admin), \(context.adminName), \(context.side.rawValue),
                        \(context.relationship), \(now), \(applied ? admin : nil), \(applied ? context.adminName : nil),
                        \(applied ? now : nil))
                """, logger: logger)
            if applied {
                try await apply(record, to: request.severity, reason: reason, context: context, at: now, on: connection)
            } else {
                try await RequestTimeline.record(
                    "severity_proposed", request: id, context: context,
                    data: ["from": current.rawValue, "to": request.severity.rawValue, "reason": reason, "changeId": changeID.text],
                    on: connection, logger: logger)
                try await Outbox.enqueue(
                    RequestEvent.severityProposed, record.event(actor: context.adminID, at: now), on: connection, logger: logger)
            }
            return try await Self.load(changeID, of: id, on: connection, logger: logger)
        }
        outbox.wake()
        return view
    }

    func decide(_ request: DecideSeverityMethod.Request) async throws -> SeverityChangeView {
        let context = request.context
        guard context.side == .support else { throw SupportWork.supportOnly }
        let id = try requestID(request.requestID)
        let changeID = try requestID(request.changeID)
        let reason = try request.reason.map { try RequestFieldRules.text($0, "reason", max: 2000, multiline: true) }
        let view = try await database.withTenantTransaction(try context.tenant(), supportAudience: true) { connection in
            let record = try await RequestQueries.load(id, context: context, forUpdate: true, on: connection, logger: logger)
            let change = try await Self.load(changeID, of: id, on: connection, logger: logger)
            guard change.status == "proposed" else {
                throw RPCProblem(
                    status: 409, type: ProblemType.invalidTransition, title: "Already decided",
                    detail: "this severity change is \(change.status), not proposed")
            }
            guard record.status.isUnresolved, record.fields.severity == change.from else {
                throw RPCProblem(
                    status: 409, type: ProblemType.invalidTransition, title: "Proposal out of date",
                    detail: "the request's severity or status changed since the proposal; decline it")
            }
            let now = Date()
            try await connection.query("""
                UPDATE severity_changes SET status = \(request.accept ? "accepted" : "declined"), decided_by = \(try context.admin()),
                    decided_by_name = \(context.adminName), decision_reason = \(reason), decided_at = \(now)
                WHERE id = \(changeID) AND request_id = \(id)
                """, logger: logger)
            if request.accept {
                try await apply(record, to: change.to, reason: change.reason, context: context, at: now, on: connection)
            } else {
                var data = ["from": change.from.rawValue, "to": change.to.rawValue, "changeId": changeID.text]
                if let reason, !reason.isEmpty { data["reason"] = reason }
                try await RequestTimeline.record("severity_declined", request: id, context: context, data: data, on: connection, logger: logger)
            }
            return try await Self.load(changeID, of: id, on: connection, logger: logger)
        }
        outbox.wake()
        return view
    }

    /// Sets the severity; before the first response, the target is re-baselined from `now`.
    private func apply(
        _ record: RequestRecord, to severity: Severity, reason: String, context: ActingContext, at now: Date,
        on connection: PostgresConnection
    ) async throws {
        var data = ["from": record.fields.severity?.rawValue ?? "", "to": severity.rawValue, "reason": reason]
        // Re-baselined only while the first response is still due: a breach stays a breach. A
        // more severe request is never due later than it already was.
        if record.firstResponseAt == nil, let plan = record.plan, let code = record.fields.category,
           let currentDue = record.dueAt, now < currentDue {
            let category = try await catalogue.category(
                code, language: record.fields.language, severity: severity, on: connection)
            let target = try await catalogue.severity(severity, plan: plan, on: connection)
            var due = ResponseDue.compute(
                plan: plan, severity: severity, targetMinutes: target.minutes, startedAt: now, calendar: category?.calendar,
                startedAs: "severity changed")
            let raised = (record.fields.severity.map { severity < $0 }) ?? false
            if raised && currentDue < due.dueAt {
                due.dueAt = currentDue
                due.warnAt = min(due.warnAt, currentDue)
                due.explanation.steps.append("kept the earlier due time of the previous severity")
            }
            due.explanation.steps.insert(
                "severity changed from \(record.fields.severity?.rawValue ?? "?") to \(severity.rawValue): "
                    + "target re-baselined from the change", at: 0)
            let explanation = String(decoding: try JSONCodec.encode(due.explanation), as: UTF8.self)
            try await connection.query("""
                UPDATE service_requests SET severity = \(severity.rawValue), response_target_minutes = \(due.targetMinutes),
                    response_due_at = \(due.dueAt), response_warn_at = \(due.warnAt), response_explanation = \(explanation)::jsonb, severity_rebaselined_at = \(now),
                    version = version + 1, updated_at = \(now)
                WHERE id = \(record.id)
                """, logger: logger)
            data["dueAt"] = due.dueAt.formatted(.iso8601)
        } else {
            try await connection.query("""
                UPDATE service_requests SET severity = \(severity.rawValue), version = version + 1, updated_at = \(now)
                WHERE id = \(record.id)
                """, logger: logger)
        }
        try await RequestTimeline.record("severity_changed", request: record.id, context: context, data: data, on: connection, logger: logger)
        var event = record.event(actor: context.adminID, at: now)
        event.severity = severity
        try await Outbox.enqueue(RequestEvent.severityChanged, event, on: connection, logger: logger)
    }

    /// A change of the request; 404 for a change of another request.
    static func load(_ id: UUID, of request: UUID, on connection: PostgresConnection, logger: Logger) async throws -> SeverityChangeView {
        guard let row = try await connection.query(
            "SELECT \(unescaped: columns) FROM severity_changes WHERE id = \(id) AND request_id = \(request)",
            logger: logger).collect().first else {
            throw WorkerProblems.notFound
        }
        return try view(row)
    }

    static func list(of request: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [SeverityChangeView] {
        let rows = try await connection.query(
            "SELECT \(unescaped: columns) FROM severity_changes WHERE request_id = \(request) ORDER BY requested_at, id", logger: logger)
        var views: [SeverityChangeView] = []
        for try await row in rows { views.append(try view(row)) }
        return views
    }

    static let columns = """
        id, from_severity, to_severity, reason, status, requested_by, requested_by_name, requested_side, via_relationship,
        requested_at, decided_by, decided_by_name, decision_reason, decided_at
        """

    static func view(_ row: PostgresRow) throws -> SeverityChangeView {
        let (id, from, to, reason, status, by, byName, side, via, at, decidedBy, decidedName, decision, decidedAt) = try row.decode(
            (UUID, String, String, String, String, UUID, String, String, UUID?, Date, UUID?, String?, String?, Date?).self)
        return SeverityChangeView(
            id: id.text, from: Severity(rawValue: from) ?? .c, to: Severity(rawValue: to) ?? .c, reason: reason, status: status,
            requestedBy: ActorView(adminID: by.text, name: byName, side: side), viaRelationshipID: via?.text, requestedAt: at,
            decidedBy: decidedBy.map { ActorView(adminID: $0.text, name: decidedName, side: RequestSide.support.rawValue) },
            decisionReason: decision, decidedAt: decidedAt)
    }
}
