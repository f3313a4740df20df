import Contracts
import Domain
import Foundation
import HTTPTypes

/// Service requests: the intake wizard, tracking, messages and lifecycle. The gateway decides
/// (through the cache) and forwards to the worker with who acts, on which side, and through
/// which delegation.
extension APIHandler {
    func getIntakeOptions(_ input: Operations.GetIntakeOptions.Input) async throws -> Operations.GetIntakeOptions.Output {
        let context = try await acting(.directoryRead, in: input.path.tenantId)
        let options = try await call(IntakeOptionsMethod.self, .init(context: context))
        return .ok(.init(body: .json(.init(options))))
    }

    func listFeatures(_ input: Operations.ListFeatures.Input) async throws -> Operations.ListFeatures.Output {
        let principal = try RequestInfo.requirePrincipal()
        _ = try await authorize(.directoryRead, in: principal.tenantID)
        let response = try await call(FeaturesMethod.self, .init(category: input.path.category))
        return .ok(.init(body: .json(.init(features: response.features.map {
            .init(code: $0.code, name: $0.name, symptoms: $0.symptoms.map { .init(code: $0.code, name: $0.name) })
        }))))
    }

    func suggestArticles(_ input: Operations.SuggestArticles.Input) async throws -> Operations.SuggestArticles.Output {
        let context = try await acting(.requestCreate, in: input.path.tenantId)
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let response = try await call(SuggestionsMethod.self, .init(
            context: context, category: body.category, feature: body.feature, symptom: body.symptom, text: body.text,
            language: body.language ?? "en", idempotencyKey: input.headers.idempotencyKey))
        return .ok(.init(body: .json(.init(sessionId: response.sessionID, articles: response.articles.map {
            .init(id: $0.id, title: $0.title, url: $0.url, language: $0.language, snippet: $0.snippet, score: $0.score)
        }))))
    }

    func recordSuggestionOutcome(
        _ input: Operations.RecordSuggestionOutcome.Input
    ) async throws -> Operations.RecordSuggestionOutcome.Output {
        let context = try await acting(.requestCreate, in: input.path.tenantId)
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        _ = try await call(SuggestionOutcomeMethod.self, .init(
            context: context, sessionID: input.path.sessionId, outcome: body.outcome.rawValue, articleID: body.articleId))
        return .noContent(.init())
    }

    func listRequests(_ input: Operations.ListRequests.Input) async throws -> Operations.ListRequests.Output {
        let context = try await acting(.requestRead, in: input.path.tenantId)
        let query = input.query
        let page = try await call(ListRequestPageRawMethod.self, .init(
            context: context, statuses: try statuses(query.status),
            severities: try query.severity.map { try list($0.uppercased(), of: Severity.self, name: "severity") },
            category: query.category, requestedByMe: query.requestedByMe ?? false, text: query.q,
            createdFrom: query.createdFrom, createdTo: query.createdTo, updatedFrom: query.updatedFrom, updatedTo: query.updatedTo,
            sort: query.sort ?? "-created", cursor: query.cursor, limit: try limit(query.limit),
            awaiting: try awaiting(query.awaiting), responseDueBefore: query.responseDueBefore))
        return .ok(.init(body: .json(try requestList(page))))
    }

    func createRequest(_ input: Operations.CreateRequest.Input) async throws -> Operations.CreateRequest.Output {
        let context = try await acting(.requestCreate, in: input.path.tenantId)
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let request = try await call(CreateRequestJSONMethod.self, .init(
            context: context, idempotencyKey: input.headers.idempotencyKey, fields: RequestFields(body)))
        let eTag = etag(request.version)
        return .created(.init(headers: .init(eTag: eTag), body: .json(try serviceRequest(request.json, status: .created, eTag: eTag))))
    }

    func getRequest(_ input: Operations.GetRequest.Input) async throws -> Operations.GetRequest.Output {
        let context = try await acting(.requestRead, in: input.path.tenantId)
        let detail = try await call(GetRequestMethod.self, .init(context: context, requestID: input.path.requestId))
        return .ok(.init(headers: .init(eTag: etag(detail.request.version)), body: .json(.init(detail))))
    }

    func updateRequest(_ input: Operations.UpdateRequest.Input) async throws -> Operations.UpdateRequest.Output {
        let context = try await acting(.requestCreate, in: input.path.tenantId)
        guard let raw = input.headers.ifMatch else {
            throw APIProblem(
                status: 428, type: ProblemType.preconditionRequired, title: "Precondition required",
                detail: "send If-Match with the ETag from GET")
        }
        // `*` matches any current version; otherwise one of the listed tags must be current.
        let versions = raw.trimmingCharacters(in: .whitespaces) == "*" ? nil : raw.split(separator: ",").compactMap {
            version(fromETag: String($0))
        }
        if let versions, versions.isEmpty {
            throw APIProblem(
                status: 412, type: ProblemType.preconditionFailed, title: "Precondition failed",
                detail: "If-Match does not name a version of this request")
        }
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let request = try await call(UpdateRequestMethod.self, .init(
            context: context, requestID: input.path.requestId, ifMatch: versions, fields: RequestFields(body)))
        return .ok(.init(headers: .init(eTag: etag(request.version)), body: .json(.init(request))))
    }

    /// The version an optional `If-Match` names (nil without one); 412 when it names none.
    func optionalVersion(_ raw: String?) throws -> Int? {
        guard let raw else { return nil }
        guard let version = version(fromETag: raw) else {
            throw APIProblem(
                status: 412, type: ProblemType.preconditionFailed, title: "Precondition failed",
                detail: "If-Match does not name a version of this request")
        }
        return version
    }

    func submitRequest(_ input: Operations.SubmitRequest.Input) async throws -> Operations.SubmitRequest.Output {
        let context = try await acting(.requestCreate, in: input.path.tenantId)
        let request = try await call(SubmitRequestJSONMethod.self, .init(
            context: context, requestID: input.path.requestId, idempotencyKey: input.headers.idempotencyKey,
            ifMatch: try optionalVersion(input.headers.ifMatch)))
        let eTag = etag(request.version)
        return .ok(.init(headers: .init(eTag: eTag), body: .json(try serviceRequest(request.json, status: .ok, eTag: eTag))))
    }

    func addRequestMessage(_ input: Operations.AddRequestMessage.Input) async throws -> Operations.AddRequestMessage.Output {
        let context = try await acting(.requestComment, in: input.path.tenantId)
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        var transition: RequestTransition?
        if let raw = body.transition {
            guard let known = RequestTransition(rawValue: raw.rawValue) else { throw APIProblem.invalid("unknown transition") }
            // Asking the customer is support's (as through …/transitions).
            _ = try await authorize(.supportWork, in: input.path.tenantId)
            transition = known
        }
        let message = try await call(AddMessageMethod.self, .init(
            context: context, requestID: input.path.requestId, idempotencyKey: input.headers.idempotencyKey, body: body.body,
            visibility: body.visibility?.rawValue ?? "public", transition: transition))
        return .created(.init(body: .json(.init(message))))
    }

    func transitionRequest(_ input: Operations.TransitionRequest.Input) async throws -> Operations.TransitionRequest.Output {
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        guard let transition = RequestTransition(rawValue: body.transition.rawValue) else {
            throw APIProblem.invalid("unknown transition")
        }
        // Support's own transitions need support.work; the customer's need request.close. Either
        // side may close a resolved request, each with its own permission (support staff by theirs).
        let supportOnly: Set<RequestTransition> = [.start, .askForInformation, .resolve]
        let principal = try RequestInfo.requirePrincipal()
        let bySupport = transition == .close && principal.roles.contains { $0.isSupportStaff }
        let context = try await acting(
            supportOnly.contains(transition) || bySupport ? .supportWork : .requestClose, in: input.path.tenantId)
        let request = try await call(TransitionRequestMethod.self, .init(
            context: context, requestID: input.path.requestId, transition: transition, reason: body.reason,
            resolutionSummary: body.resolutionSummary))
        return .ok(.init(headers: .init(eTag: etag(request.version)), body: .json(.init(request))))
    }

    /// Authorizes `action` in the tenant and describes who acts: the support side when the
    /// access comes from a vendor role, the customer's side otherwise (own role or delegation).
    func acting(_ action: Action, in tenantID: String) async throws -> ActingContext {
        let via = try await authorize(action, in: tenantID)
        let principal = try RequestInfo.requirePrincipal()
        let side: RequestSide
        var relationship: String?
        switch via {
        case .vendorRole: side = .support
        case .ownRole(let role): side = role.isSupportStaff ? .support : .customer
        case .delegation(let id, _):
            side = .customer
            relationship = id
        }
        return ActingContext(
            tenantID: tenantID.lowercased(), adminID: principal.adminID, adminName: principal.name,
            homeTenantID: principal.tenantID, side: side, viaRelationshipID: relationship, requestID: RequestInfo.current.id)
    }

    func etag(_ version: Int) -> String { "\"v\(version)\"" }

    /// The version named by a strong ETag (`"v3"`, or `v3` without quotes); nil for a weak one.
    func version(fromETag raw: String) -> Int? {
        var text = raw.trimmingCharacters(in: .whitespaces)
        // If-Match compares strongly (RFC 9110): a weak tag never matches.
        guard !text.hasPrefix("W/") else { return nil }
        text = text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard text.hasPrefix("v") else { return nil }
        return Int(text.dropFirst())
    }

    /// The `awaiting` filter of the lists: `support` or `customer`.
    func awaiting(_ raw: String?) throws -> String? {
        guard let raw else { return nil }
        guard ListRequestsMethod.Request.awaitingValues.contains(raw) else { throw APIProblem.malformed("awaiting must be support or customer") }
        return raw
    }

    /// Parses a comma-separated list of raw values.
    func list<Value: RawRepresentable>(_ raw: String, of type: Value.Type, name: String) throws -> [Value] where Value.RawValue == String {
        var values: [Value] = []
        for part in raw.split(separator: ",") {
            guard let value = Value(rawValue: part.trimmingCharacters(in: .whitespaces)) else {
                throw APIProblem.malformed("\(name) has an unknown value: \(part)")
            }
            values.append(value)
        }
        guard !values.isEmpty else { throw APIProblem.malformed("\(name) names no value") }
        return values
    }
}
