import Contracts
import Domain
import Foundation

/// The support side and the cross-tenant lists: a partner's requests across its customers, the
/// support queues, assignment, escalation, severity changes and surveys.
extension APIHandler {
    func listCustomerRequests(_ input: Operations.ListCustomerRequests.Input) async throws -> Operations.ListCustomerRequests.Output {
        let principal = try RequestInfo.requirePrincipal()
        let partner = input.path.tenantId.lowercased()
        // The caller's own tenant only; what it may read elsewhere is decided per customer below.
        let context = try await acting(.tenantRead, in: partner)
        guard partner == principal.tenantID.lowercased() else { throw APIProblem.denied(.actionNotGranted) }
        let reachable = try await call(ReachableTenantsMethod.self, .init(principal: principal, action: .requestRead)).tenants
        let query = input.query
        if let customer = query.customer, !reachable.contains(where: { $0.tenantID == customer.lowercased() }) {
            throw APIProblem.denied(.noSuchTenant)
        }
        let page = try await call(ListRequestPageRawMethod.self, .init(
            context: context, statuses: try statuses(query.status),
            severities: try query.severity.map { try list($0.uppercased(), of: Severity.self, name: "severity") },
            category: query.category, requestedByMe: false, text: query.q, createdFrom: query.createdFrom, createdTo: query.createdTo,
            updatedFrom: query.updatedFrom, updatedTo: query.updatedTo, sort: query.sort ?? "-updated", cursor: query.cursor, limit: try limit(query.limit),
            scope: .customers(reachable.map(\.tenantID)), customer: query.customer?.lowercased(),
            awaiting: try awaiting(query.awaiting), responseDueBefore: query.responseDueBefore))
        return .ok(.init(body: .json(try requestList(page))))
    }

    func listSupportRequests(_ input: Operations.ListSupportRequests.Input) async throws -> Operations.ListSupportRequests.Output {
        let principal = try RequestInfo.requirePrincipal()
        let context = try await acting(.supportWork, in: principal.tenantID)
        let query = input.query
        var customer: String?
        if let raw = query.customer {
            guard UUID(uuidString: raw) != nil else { throw APIProblem.malformed("customer must be a tenant id") }
            customer = raw.lowercased()
        }
        if let assignee = query.assignee, !["me", "unassigned"].contains(assignee), UUID(uuidString: assignee) == nil {
            throw APIProblem.malformed("assignee must be me, unassigned or an administrator id")
        }
        if let queue = query.queue, queue.isEmpty { throw APIProblem.malformed("queue must name a queue") }
        let page = try await call(ListRequestPageRawMethod.self, .init(
            context: context, statuses: try statuses(query.status),
            severities: try query.severity.map { try list($0.uppercased(), of: Severity.self, name: "severity") },
            category: query.category, requestedByMe: false, text: query.q, createdFrom: query.createdFrom, createdTo: query.createdTo,
            updatedFrom: query.updatedFrom, updatedTo: query.updatedTo, sort: query.sort ?? "priority", cursor: query.cursor, limit: try limit(query.limit),
            scope: .support, customer: customer, queue: query.queue, assignee: query.assignee,
            awaiting: try awaiting(query.awaiting), responseDueBefore: query.responseDueBefore))
        return .ok(.init(body: .json(try requestList(page))))
    }

    func listSupportCustomers(_ input: Operations.ListSupportCustomers.Input) async throws -> Operations.ListSupportCustomers.Output {
        let principal = try RequestInfo.requirePrincipal()
        let context = try await acting(.supportWork, in: principal.tenantID)
        if let cursor = input.query.cursor, UUID(uuidString: cursor) == nil {
            throw APIProblem.malformed("cursor is not one this server wrote")
        }
        let page = try await call(SupportCustomersMethod.self, .init(
            context: context, text: input.query.q, after: input.query.cursor, limit: try limit(input.query.limit)))
        return .ok(.init(body: .json(.init(
            items: page.items.map {
                .init(tenantId: $0.tenantID, name: $0.name, country: $0.country, language: $0.language,
                      plan: .init(rawValue: $0.plan) ?? .professional, status: .init(rawValue: $0.status) ?? .active,
                      openRequests: $0.openRequests, lastSubmittedAt: $0.lastSubmittedAt)
            },
            nextCursor: page.next))))
    }

    func assignRequest(_ input: Operations.AssignRequest.Input) async throws -> Operations.AssignRequest.Output {
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let context = try await acting(.supportWork, in: input.path.tenantId)
        let principal = try RequestInfo.requirePrincipal()
        if body.adminId.lowercased() != principal.adminID.lowercased() {
            // Taking a request is support's; giving it to someone else is a manager's.
            _ = try await authorize(.supportManage, in: principal.tenantID)
        }
        let request = try await call(AssignRequestMethod.self, .init(
            context: context, requestID: input.path.requestId, assigneeID: body.adminId,
            ifMatch: try optionalVersion(input.headers.ifMatch)))
        return .ok(.init(headers: .init(eTag: etag(request.version)), body: .json(.init(request))))
    }

    func releaseRequest(_ input: Operations.ReleaseRequest.Input) async throws -> Operations.ReleaseRequest.Output {
        let context = try await acting(.supportWork, in: input.path.tenantId)
        let principal = try RequestInfo.requirePrincipal()
        // Releasing one's own request is support's; someone else's, a manager's (the worker
        // knows whose it is).
        let manager = try await isAllowed(.supportManage, in: principal.tenantID)
        let request = try await call(ReleaseRequestMethod.self, .init(
            context: context, requestID: input.path.requestId, ifMatch: try optionalVersion(input.headers.ifMatch),
            asManager: manager))
        return .ok(.init(headers: .init(eTag: etag(request.version)), body: .json(.init(request))))
    }

    func escalateRequest(_ input: Operations.EscalateRequest.Input) async throws -> Operations.EscalateRequest.Output {
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let context = try await acting(.supportWork, in: input.path.tenantId)
        let request = try await call(EscalateRequestMethod.self, .init(
            context: context, requestID: input.path.requestId, reason: body.reason))
        return .ok(.init(body: .json(.init(request))))
    }

    func changeSeverity(_ input: Operations.ChangeSeverity.Input) async throws -> Operations.ChangeSeverity.Output {
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let context = try await acting(.requestComment, in: input.path.tenantId)
        guard let severity = Severity(rawValue: body.severity.rawValue) else { throw APIProblem.invalid("unknown severity") }
        let change = try await call(ChangeSeverityMethod.self, .init(
            context: context, requestID: input.path.requestId, severity: severity, reason: body.reason,
            idempotencyKey: input.headers.idempotencyKey))
        return .created(.init(body: .json(.init(change))))
    }

    func decideSeverityChange(_ input: Operations.DecideSeverityChange.Input) async throws -> Operations.DecideSeverityChange.Output {
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let context = try await acting(.supportWork, in: input.path.tenantId)
        let change = try await call(DecideSeverityMethod.self, .init(
            context: context, requestID: input.path.requestId, changeID: input.path.changeId, accept: body.decision == .accept,
            reason: body.reason))
        return .ok(.init(body: .json(.init(change))))
    }

    func answerSurvey(_ input: Operations.AnswerSurvey.Input) async throws -> Operations.AnswerSurvey.Output {
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let context = try await acting(.requestRead, in: input.path.tenantId)
        let survey = try await call(AnswerSurveyMethod.self, .init(
            context: context, requestID: input.path.requestId, rating: body.rating, comment: body.comment))
        return .created(.init(body: .json(.init(rating: survey.rating, comment: survey.comment, answeredAt: survey.answeredAt))))
    }

    func getSurveySummary(_ input: Operations.GetSurveySummary.Input) async throws -> Operations.GetSurveySummary.Output {
        let principal = try RequestInfo.requirePrincipal()
        _ = try await authorize(.supportManage, in: principal.tenantID)
        let context = try await acting(.supportWork, in: principal.tenantID)
        let summary = try await call(SurveySummaryMethod.self, .init(context: context, since: input.query.since))
        func groups(_ groups: [SurveySummaryMethod.Group]) -> [Components.Schemas.SurveyGroup] {
            groups.map { .init(key: $0.key, name: $0.name, responses: $0.responses, averageRating: $0.averageRating) }
        }
        return .ok(.init(body: .json(.init(byQueue: groups(summary.byQueue), byEngineer: groups(summary.byEngineer)))))
    }

    func getDeflection(_ input: Operations.GetDeflection.Input) async throws -> Operations.GetDeflection.Output {
        let principal = try RequestInfo.requirePrincipal()
        _ = try await authorize(.supportManage, in: principal.tenantID)
        let context = try await acting(.supportWork, in: principal.tenantID)
        let figures = try await call(DeflectionMethod.self, .init(context: context, since: input.query.since))
        return .ok(.init(body: .json(.init(
            sessions: figures.sessions, helped: figures.helped, continued: figures.continued, submitted: figures.submitted,
            deflectionRate: figures.deflectionRate,
            articles: figures.articles.map {
                .init(id: $0.id, title: $0.title, shown: $0.shown, helped: $0.helped, submitted: $0.submitted)
            }))))
    }

    /// The `status` parameter: comma-separated statuses, `all`, or nil for the unresolved ones.
    func statuses(_ raw: String?) throws -> [RequestStatus]? {
        guard let raw else { return nil }
        return raw == "all" ? RequestStatus.allCases : try list(raw, of: RequestStatus.self, name: "status")
    }
}

extension Components.Schemas.SeverityChange {
    init(_ change: SeverityChangeView) {
        self.init(
            id: change.id, from: .init(rawValue: change.from.rawValue) ?? .c, to: .init(rawValue: change.to.rawValue) ?? .c,
            reason: change.reason, status: .init(rawValue: change.status) ?? .proposed, requestedBy: .init(change.requestedBy),
            viaRelationshipId: change.viaRelationshipID, requestedAt: change.requestedAt,
            decidedBy: change.decidedBy.map(Components.Schemas.Actor.init), decisionReason: change.decisionReason,
            decidedAt: change.decidedAt)
    }
}
