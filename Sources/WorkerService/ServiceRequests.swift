import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// Drafts and their submission. Every change runs in one transaction bound to the request's
/// tenant, with its timeline entry and its event (outbox).
struct ServiceRequests: Sendable {
    let database: Database
    let catalogue: SupportCatalogue
    let idempotency: Idempotency
    let outbox: Outbox
    let logger: Logger

    /// How long a draft nobody touches is kept.
    static let draftLifetimeDays = 30

    func create(_ request: CreateRequestMethod.Request) async throws -> ServiceRequestView {
        let context = request.context
        guard context.side == .customer else {
            throw RPCProblem(status: 403, type: ProblemType.forbidden, title: "Forbidden", detail: "support does not open requests for tenants")
        }
        let fields = try RequestFieldRules.normalized(request.fields)
        let id = UUID()
        return try await idempotency.run(context, key: request.idempotencyKey, operation: "request.create", fingerprint: fields) { connection in
            try await RequestFieldRules.checkReferences(fields, on: connection, logger: logger)
            let contact = fields.contact ?? ContactDetails()
            // The draft, its `created` timeline entry (as `RequestTimeline.record` writes one) and
            // the draft as read back, in one statement.
            let rows = try await connection.query("""
                WITH r AS (
                    INSERT INTO service_requests (
                        id, tenant_id, category_code, feature_code, symptom_code, summary, details, severity, language,
                        contact_name, contact_email, contact_phone, contact_method, contact_time_zone, contact_country,
                        suggestion_session_id, requested_by, requested_by_name, requested_by_tenant, via_relationship,
                        draft_expires_at)
                    VALUES (
                        \(id), tenantdesk_current_tenant(), \(fields.category), \(fields.feature), \(fields.symptom),
                        \(fields.summary), \(fields.details), \(fields.severity?.rawValue), \(fields.language), \(contact.name),
                        \(contact.email), \(contact.phone), \(contact.preferredMethod), \(contact.timeZone), \(contact.country),
                        \(fields.suggestionSessionID.flatMap(UUID.init(uuidString:))), \(try context.admin()), \(context.adminName),
                        \(UUID(uuidString: context.homeTenantID)), \(context.relationship),
                        now() + make_interval(days => \(Self.draftLifetimeDays)::int))
                    RETURNING *
                ), entry AS (
                    INSERT INTO request_events (tenant_id, request_id, kind, visibility, actor_admin_id, actor_name, actor_side,
                                                via_relationship, data)
                    SELECT r.tenant_id, r.id, 'created', 'public', r.requested_by, \(context.adminName), \(context.side.rawValue),
                           r.via_relationship, '{}'::jsonb
                    FROM r
                )
                SELECT \(unescaped: RequestRecord.columns) FROM r
                """, logger: logger)
            var created: RequestRecord?
            for try await row in rows { created = try RequestRecord(row: row) }
            guard let record = created else { throw WorkerProblems.notFound }
            return record.view(side: context.side, now: Date(), preview: try await catalogue.preview(record, on: connection))
        }
    }

    func update(_ request: UpdateRequestMethod.Request) async throws -> ServiceRequestView {
        let context = request.context
        let changes = try RequestFieldRules.normalized(request.fields)
        let id = try requestID(request.requestID)
        return try await database.withTenantTransaction(try context.tenant(), supportAudience: context.supportAudience) { connection in
            let current = try await RequestQueries.load(id, context: context, forUpdate: true, on: connection, logger: logger)
            if let versions = request.ifMatch, !versions.contains(current.version) { throw WorkerProblems.stale }
            guard current.status == .draft else {
                guard current.status.isUnresolved, let contact = changes.onlyContact else {
                    throw RPCProblem(
                        status: 409, type: ProblemType.invalidTransition, title: "Not a draft",
                        detail: current.status.isUnresolved
                            ? "only a draft can be edited; of a submitted request only the contact changes (send contact alone), the rest through messages and transitions"
                            : "only a draft can be edited; a \(current.status.rawValue) request changes through its transitions")
                }
                return try await updateContact(current, contact, context: context, on: connection)
            }
            let fields = RequestFieldRules.merge(current.fields, changes)
            try await RequestFieldRules.checkReferences(fields, on: connection, logger: logger)
            let contact = fields.contact ?? ContactDetails()
            try await connection.query("""
                UPDATE service_requests SET
                    category_code = \(fields.category), feature_code = \(fields.feature), symptom_code = \(fields.symptom),
                    summary = \(fields.summary), details = \(fields.details), severity = \(fields.severity?.rawValue),
                    language = \(fields.language), contact_name = \(contact.name), contact_email = \(contact.email),
                    contact_phone = \(contact.phone), contact_method = \(contact.preferredMethod),
                    contact_time_zone = \(contact.timeZone), contact_country = \(contact.country),
                    suggestion_session_id = \(fields.suggestionSessionID.flatMap(UUID.init(uuidString:))),
                    version = version + 1, updated_at = now(),
                    draft_expires_at = now() + make_interval(days => \(Self.draftLifetimeDays)::int)
                WHERE id = \(id)
                """, logger: logger)
            let record = try await RequestQueries.load(id, context: context, forUpdate: false, on: connection, logger: logger)
            return record.view(side: context.side, now: Date(), preview: try await catalogue.preview(record, on: connection))
        }
    }

    /// Changes the contact details of a submitted, unresolved request (the requester moved, or
    /// a phone is needed before asking for severity A): the given members replace the current
    /// ones, recorded in the timeline by name (not value) and published as `request.updated`.
    private func updateContact(
        _ current: RequestRecord, _ changes: ContactDetails, context: ActingContext, on connection: PostgresConnection
    ) async throws -> ServiceRequestView {
        let before = current.fields.contact ?? ContactDetails()
        guard let contact = RequestFieldRules.merge(current.fields, RequestFields(contact: changes)).contact else {
            return current.view(side: context.side, now: Date())
        }
        if contact.preferredMethod == "phone", (contact.phone ?? "").isEmpty {
            throw WorkerProblems.invalid("contact.phone is required when contact.preferred_method is phone")
        }
        let changed = contact.changedMembers(from: before)
        // Nothing different: nothing changes, and the timeline gains nothing.
        guard !changed.isEmpty else { return current.view(side: context.side, now: Date()) }
        let now = Date()
        try await connection.query("""
            UPDATE service_requests SET
                contact_name = \(contact.name), contact_email = \(contact.email), contact_phone = \(contact.phone),
                contact_method = \(contact.preferredMethod), contact_time_zone = \(contact.timeZone),
                contact_country = \(contact.country), version = version + 1, updated_at = \(now)
            WHERE id = \(current.id)
            """, logger: logger)
        try await RequestTimeline.record(
            "contact_changed", request: current.id, context: context, data: ["fields": changed.joined(separator: ",")],
            on: connection, logger: logger)
        let updated = try await RequestQueries.load(current.id, context: context, forUpdate: false, on: connection, logger: logger)
        try await Outbox.enqueue(RequestEvent.updated, updated.event(actor: context.adminID, at: now), on: connection, logger: logger)
        return updated.view(side: context.side, now: now)
    }

    /// Submits a draft. Without an Idempotency-Key, the draft is read and checked in a read-only
    /// transaction and submitted by one statement of its own (`tenantdesk_submit_draft`), which
    /// PostgreSQL commits at once: the tenant's number counter is not held across a round trip.
    /// If the draft changed in between, that statement changes nothing and the submission is
    /// decided again, the second time with the draft locked. With a key, everything runs in the
    /// key's transaction.
    func submit(_ request: SubmitRequestMethod.Request) async throws -> ServiceRequestView {
        let context = request.context
        let id = try requestID(request.requestID)
        let result: ServiceRequestView
        if request.idempotencyKey == nil, let submitted = try await submitOutsideTransaction(id, request) {
            result = submitted
        } else {
            let fingerprint = [request.requestID, request.ifMatch.map(String.init) ?? ""]
            result = try await idempotency.run(
                context, key: request.idempotencyKey, operation: "request.submit", fingerprint: fingerprint
            ) { connection in
                let current = try await RequestQueries.load(id, context: context, forUpdate: true, on: connection, logger: logger)
                let submission = try await prepare(current, request, on: connection)
                guard let record = try await submission.run(on: connection, logger: logger) else { throw WorkerProblems.notFound }
                return record.view(side: context.side, now: submission.now)
            }
        }
        outbox.wake()
        return result
    }

    /// The submission when the draft did not change between the check and the statement; nil
    /// when it did.
    private func submitOutsideTransaction(_ id: UUID, _ request: SubmitRequestMethod.Request) async throws -> ServiceRequestView? {
        let context = request.context
        let submission = try await database.withTenantTransaction(
            try context.tenant(), supportAudience: context.supportAudience
        ) { connection in
            let current = try await RequestQueries.load(id, context: context, forUpdate: false, on: connection, logger: logger)
            return try await prepare(current, request, on: connection)
        }
        let record = try await database.client.withConnection { connection in
            try await submission.run(on: connection, logger: logger)
        }
        return record?.view(side: context.side, now: submission.now)
    }

    /// Checks that `current` may be submitted as asked and works out its target and due time.
    private func prepare(
        _ current: RequestRecord, _ request: SubmitRequestMethod.Request, on connection: PostgresConnection
    ) async throws -> Submission {
        let context = request.context
        if let ifMatch = request.ifMatch, ifMatch != current.version { throw WorkerProblems.stale }
        let now = Date()
        if case .failure(let refusal) = RequestLifecycle.apply(
            .submit, to: current.status, by: context.side, resolvedAt: nil, now: now) {
            throw WorkerProblems.transitionRefused(refusal)
        }
        let fields = current.fields
        guard let code = fields.category,
              let category = try await catalogue.category(
                  code, language: fields.language, severity: fields.severity, on: connection) else {
            let violations = IntakeRules.violations(uncategorizedSummary: fields.summary)
            throw WorkerProblems.violation(violations[0], also: Array(violations.dropFirst()))
        }
        // Category, route, calendar, plan and target come in one round trip.
        let plan: SupportPlan
        if let known = category.plan { plan = known } else { plan = try await catalogue.plan(on: connection) }
        let severity = fields.severity
        let facts: (requiresPhone: Bool, minutes: Int)?
        if let phone = category.requiresPhone, let minutes = category.targetMinutes, category.plan == plan {
            facts = (phone, minutes)
        } else {
            facts = try await severity.asyncMap { try await catalogue.severity($0, plan: plan, on: connection) }
        }
        let violations = IntakeRules.violations(IntakeRules.Facts(
            plan: plan, categoryTechnical: category.technical, categoryLanguages: category.languages,
            categoryPlans: category.plans, summary: fields.summary, severity: severity,
            severityRequiresPhone: facts?.requiresPhone ?? false, language: fields.language,
            contactName: fields.contact?.name, contactEmail: fields.contact?.email, contactPhone: fields.contact?.phone,
            preferredContact: fields.contact?.preferredMethod))
        if let first = violations.first { throw WorkerProblems.violation(first, also: Array(violations.dropFirst())) }
        guard let severity, let facts else { throw WorkerProblems.violation(.incomplete(field: "severity"), also: []) }
        let due = ResponseDue.compute(
            plan: plan, severity: severity, targetMinutes: facts.minutes, startedAt: now, calendar: category.calendar)
        var event = current.event(actor: context.adminID, at: now)
        event.status = .submitted
        return Submission(
            tenant: current.tenantID, audience: context.supportAudience ? "support" : "customer", version: current.version,
            suggestionSession: fields.suggestionSessionID.flatMap(UUID.init(uuidString:)), request: current.id, plan: plan,
            queue: category.queue, due: due, now: now,
            explanation: String(decoding: try JSONCodec.encode(due.explanation), as: UTF8.self),
            entry: String(decoding: try JSONCodec.encode(
                ["severity": severity.rawValue, "dueAt": due.dueAt.formatted(.iso8601)]), as: UTF8.self),
            actor: UUID(uuidString: context.adminID), actorName: context.adminName, actorSide: context.side.rawValue,
            relationship: context.relationship, event: String(decoding: try JSONCodec.encode(event), as: UTF8.self))
    }
}

extension Optional {
    /// `map` with an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}
