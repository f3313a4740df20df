import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// The message thread and the lifecycle of submitted requests.
struct RequestThread: Sendable {
    let database: Database
    let idempotency: Idempotency
    let outbox: Outbox
    let logger: Logger

    /// The messages the transaction's audience may see (internal notes for support only), oldest first.
    static func messages(of request: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [MessageView] {
        let rows = try await connection.query("""
            SELECT id, visibility, author_admin_id, author_name, author_side, via_relationship, body, created_at
            FROM request_messages WHERE request_id = \(request) ORDER BY created_at, id
            """, logger: logger)
        var messages: [MessageView] = []
        for try await (id, visibility, author, name, side, via, body, at) in rows.decode(
            (UUID, String, UUID, String, String, UUID?, String, Date).self
        ) {
            messages.append(MessageView(
                id: id.text, visibility: visibility, author: ActorView(adminID: author.text, name: name, side: side),
                viaRelationshipID: via?.text, body: body, createdAt: at))
        }
        return messages
    }

    func addMessage(_ request: AddMessageMethod.Request) async throws -> MessageView {
        let context = request.context
        let id = try requestID(request.requestID)
        guard ["public", "internal"].contains(request.visibility) else {
            throw WorkerProblems.invalid("visibility must be public or internal")
        }
        guard request.visibility == "public" || context.side == .support else {
            throw RPCProblem(
                status: 422, type: ProblemType.fieldNotAllowed, title: "Field not allowed",
                detail: "only support writes internal notes")
        }
        let body = try RequestFieldRules.text(request.body, "body", max: 20_000, multiline: true, allowEmpty: false)
        if let requested = request.transition {
            guard requested == .askForInformation else {
                throw WorkerProblems.invalid("a message carries only the transition ask_for_information; use POST …/transitions")
            }
            guard request.visibility == "public" else {
                throw WorkerProblems.invalid("an internal note asks the customer nothing: send ask_for_information with a public message")
            }
        }
        let fingerprint = [request.requestID, body, request.visibility] + (request.transition.map { [$0.rawValue] } ?? [])
        let message: MessageView = try await idempotency.run(
            context, key: request.idempotencyKey, operation: "request.message", fingerprint: fingerprint
        ) { connection in
            var record = try await RequestQueries.load(id, context: context, forUpdate: true, on: connection, logger: logger)
            guard record.status.isUnresolved else {
                throw RPCProblem(
                    status: 409, type: ProblemType.invalidTransition, title: "Request not open",
                    detail: record.status == .resolved
                        ? "the request is resolved: reopen it to continue the conversation"
                        : "messages can be added to submitted, in-progress and waiting requests only (status \(record.status.rawValue))")
            }
            let now = Date()
            let messageID = UUID()
            try await connection.query("""
                INSERT INTO request_messages (id, tenant_id, request_id, visibility, author_admin_id, author_name, author_side,
                                              via_relationship, body, created_at)
                VALUES (\(messageID), tenantdesk_current_tenant(), \(id), \(request.visibility), \(try context.admin()),
                        \(context.adminName), \(context.side.rawValue), \(context.relationship), \(body), \(now))
                """, logger: logger)
            let isInternal = request.visibility == "internal"
            try await RequestTimeline.record(
                "message_added", request: id, context: context, internalOnly: isInternal, data: ["messageId": messageID.text],
                on: connection, logger: logger)
            // What a message moves: support's first public response stops the response clock and
            // starts the work; a customer's reply to a question puts the request back in progress.
            var transition: RequestTransition?
            if context.side == .support, !isInternal {
                if record.firstResponseAt == nil {
                    try await connection.query(
                        "UPDATE service_requests SET first_response_at = \(now) WHERE id = \(id)", logger: logger)
                    let met = record.dueAt.map { now <= $0 } ?? true
                    try await RequestTimeline.record(
                        "first_response", request: id, context: context, data: ["met": met ? "true" : "false"],
                        on: connection, logger: logger)
                }
                if record.status == .submitted { transition = .start }
            } else if context.side == .customer, record.status == .waitingForCustomer {
                transition = .customerReply
            }
            if let transition, case .success(let next) = RequestLifecycle.apply(
                transition, to: record.status, by: context.side, resolvedAt: record.resolvedAt, now: now) {
                try await move(&record, to: next, by: transition, context: context, on: connection)
            }
            // The transition asked for with the message: both happen, or neither.
            var moved = false
            if let requested = request.transition {
                switch RequestLifecycle.apply(requested, to: record.status, by: context.side, resolvedAt: record.resolvedAt, now: now) {
                case .failure(let refusal): throw WorkerProblems.transitionRefused(refusal)
                case .success(let next):
                    try await move(&record, to: next, by: requested, context: context, on: connection)
                    moved = true
                }
            }
            // An internal note leaves no trace the customer could see (version, updated_at, who
            // wrote last).
            if !isInternal {
                try await connection.query("""
                    UPDATE service_requests
                    SET version = version + 1, updated_at = \(now),
                        last_public_message_at = \(now), last_public_message_side = \(context.side.rawValue)
                    WHERE id = \(id)
                    """, logger: logger)
            }
            try await Outbox.enqueue(
                RequestEvent.messageAdded,
                record.event(actor: context.adminID, at: now, messageID: messageID.text, visibility: request.visibility),
                on: connection, logger: logger)
            if moved {
                try await Outbox.enqueue(RequestEvent.statusChanged, record.event(actor: context.adminID, at: now), on: connection, logger: logger)
            }
            return MessageView(
                id: messageID.text, visibility: request.visibility,
                author: ActorView(adminID: context.adminID, name: context.adminName, side: context.side.rawValue),
                viaRelationshipID: context.viaRelationshipID, body: body, createdAt: now)
        }
        outbox.wake()
        return message
    }

    /// A status change a message makes: its timeline entry and the new status (the caller bumps
    /// the version with the message).
    private func move(
        _ record: inout RequestRecord, to next: RequestStatus, by transition: RequestTransition, context: ActingContext,
        on connection: PostgresConnection
    ) async throws {
        try await RequestTimeline.record(
            "status_changed", request: record.id, context: context,
            data: ["from": record.status.rawValue, "to": next.rawValue, "transition": transition.rawValue],
            on: connection, logger: logger)
        try await connection.query("UPDATE service_requests SET status = \(next.rawValue) WHERE id = \(record.id)", logger: logger)
        record.status = next
    }

    func transition(_ request: TransitionRequestMethod.Request) async throws -> ServiceRequestView {
        let context = request.context
        let id = try requestID(request.requestID)
        let reason = try request.reason.map { try RequestFieldRules.text($0, "reason", max: 2000, multiline: true) }
        let summary = try request.resolutionSummary.map {
            try RequestFieldRules.text($0, "resolution_summary", max: 5000, multiline: true)
        }
        guard ![.submit, .customerReply].contains(request.transition) else {
            throw WorkerProblems.invalid(request.transition == .submit
                ? "submit a draft with POST …/submit" : "a customer reply is a message: POST …/messages")
        }
        let view = try await database.withTenantTransaction(try context.tenant(), supportAudience: context.supportAudience) { connection in
            var record = try await RequestQueries.load(id, context: context, forUpdate: true, on: connection, logger: logger)
            let now = Date()
            let next: RequestStatus
            switch RequestLifecycle.apply(request.transition, to: record.status, by: context.side, resolvedAt: record.resolvedAt, now: now) {
            case .failure(let refusal): throw WorkerProblems.transitionRefused(refusal)
            case .success(let status): next = status
            }
            if request.transition == .discard {
                try await connection.query("DELETE FROM service_requests WHERE id = \(id)", logger: logger)
                record.status = .closed
                return record.view(side: context.side, now: now)
            }
            if request.transition == .resolve {
                guard let summary, !summary.isEmpty else {
                    throw WorkerProblems.invalid("resolving needs a resolution_summary of 1-5000 characters")
                }
            }
            var data = ["from": record.status.rawValue, "to": next.rawValue, "transition": request.transition.rawValue]
            if let reason, !reason.isEmpty { data["reason"] = reason }
            try await RequestTimeline.record("status_changed", request: id, context: context, data: data, on: connection, logger: logger)
            switch request.transition {
            case .resolve:
                try await connection.query("""
                    UPDATE service_requests SET resolved_at = \(now), resolution_summary = \(summary),
                        first_response_at = coalesce(first_response_at, \(now))
                    WHERE id = \(id)
                    """, logger: logger)
            case .reopen:
                try await connection.query("UPDATE service_requests SET resolved_at = NULL WHERE id = \(id)", logger: logger)
            case .withdraw, .close:
                try await connection.query("UPDATE service_requests SET closed_at = \(now) WHERE id = \(id)", logger: logger)
            default: break
            }
            try await connection.query("""
                UPDATE service_requests SET status = \(next.rawValue), version = version + 1, updated_at = \(now) WHERE id = \(id)
                """, logger: logger)
            let updated = try await RequestQueries.load(id, context: context, forUpdate: false, on: connection, logger: logger)
            let routingKey = switch next {
            case .resolved: RequestEvent.resolved
            case .closed: RequestEvent.closed
            default: RequestEvent.statusChanged
            }
            try await Outbox.enqueue(routingKey, updated.event(actor: context.adminID, at: now), on: connection, logger: logger)
            return updated.view(side: context.side, now: now)
        }
        outbox.wake()
        return view
    }
}
