import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// The worker's service-request methods.
struct RequestRoutes: Sendable {
    let catalogue: SupportCatalogue
    let suggestions: Suggestions
    let requests: ServiceRequests
    let queries: RequestQueries
    let thread: RequestThread
    let attachments: RequestAttachments
    let support: SupportWork
    let severities: SeverityChanges
    let surveys: Surveys
    let admin: SupportAdmin
    let figures: SLAFigures
    let customers: CustomerDirectory
    let notifications: NotificationFeed

    init(database: Database, outbox: Outbox, limits: AttachmentLimits, logger: Logger) {
        let idempotency = Idempotency(database: database, logger: logger)
        catalogue = SupportCatalogue(database: database, logger: logger)
        suggestions = Suggestions(database: database, idempotency: idempotency, logger: logger)
        requests = ServiceRequests(database: database, catalogue: catalogue, idempotency: idempotency, outbox: outbox, logger: logger)
        queries = RequestQueries(database: database, catalogue: catalogue, logger: logger)
        thread = RequestThread(database: database, idempotency: idempotency, outbox: outbox, logger: logger)
        attachments = RequestAttachments(database: database, idempotency: idempotency, outbox: outbox, limits: limits, logger: logger)
        support = SupportWork(database: database, outbox: outbox, logger: logger)
        severities = SeverityChanges(database: database, catalogue: catalogue, idempotency: idempotency, outbox: outbox, logger: logger)
        surveys = Surveys(database: database, outbox: outbox, logger: logger)
        admin = SupportAdmin(database: database, logger: logger)
        figures = SLAFigures(database: database, logger: logger)
        customers = CustomerDirectory(database: database, logger: logger)
        notifications = NotificationFeed(database: database, logger: logger)
    }

    func register(on router: inout RPCRouter) {
        router.on(IntakeOptionsMethod.self) { request in try await clientData { try await catalogue.intakeOptions(request.context) } }
        router.on(FeaturesMethod.self) { request in try await clientData { try await catalogue.features(category: request.category) } }
        router.on(SuggestionsMethod.self) { request in try await clientData { try await suggestions.suggest(request) } }
        router.on(SuggestionOutcomeMethod.self) { request in try await clientData { try await suggestions.recordOutcome(request) } }
        router.on(CreateRequestMethod.self) { request in try await clientData { try await requests.create(request) } }
        router.on(UpdateRequestMethod.self) { request in try await clientData { try await requests.update(request) } }
        router.on(SubmitRequestMethod.self) { request in try await clientData { try await requests.submit(request) } }
        router.on(CreateRequestJSONMethod.self) { request in
            try await clientData {
                let view = try await requests.create(request)
                return .init(json: ServiceRequestListJSON.encode(request: view), version: view.version)
            }
        }
        router.on(SubmitRequestJSONMethod.self) { request in
            try await clientData {
                let view = try await requests.submit(request)
                return .init(json: ServiceRequestListJSON.encode(request: view), version: view.version)
            }
        }
        router.on(GetRequestMethod.self) { request in try await clientData { try await queries.get(request) } }
        router.on(ListRequestsMethod.self) { request in try await clientData { try await queries.list(request) } }
        router.on(ListRequestPageMethod.self) { request in try await clientData { .init(json: Data(try await queries.listJSON(request))) } }
        router.onRaw(ListRequestPageRawMethod.self) { request in
            try await clientData {
                try await queries.listJSON(request) { RPCRouter.answerNow(ListRequestPageRawMethod.self, with: $0) }
            }
        }
        // The most frequent read: it starts where its transaction will run, on a database event
        // loop, instead of on a thread of the global executor it would leave at once.
        let database = queries.database
        router.prefer({ database.eventLoopExecutor() }, forMethodNamed: ListRequestPageRawMethod.name)
        router.on(AddMessageMethod.self) { request in try await clientData { try await thread.addMessage(request) } }
        router.on(TransitionRequestMethod.self) { request in try await clientData { try await thread.transition(request) } }
        router.on(UploadAttachmentMethod.self) { request in try await clientData { try await attachments.upload(request) } }
        router.on(DownloadAttachmentMethod.self) { request in try await clientData { try await attachments.download(request) } }
        router.on(AssignRequestMethod.self) { request in try await clientData { try await support.assign(request) } }
        router.on(ReleaseRequestMethod.self) { request in try await clientData { try await support.release(request) } }
        router.on(EscalateRequestMethod.self) { request in try await clientData { try await support.escalate(request) } }
        router.on(ChangeSeverityMethod.self) { request in try await clientData { try await severities.change(request) } }
        router.on(DecideSeverityMethod.self) { request in try await clientData { try await severities.decide(request) } }
        router.on(AnswerSurveyMethod.self) { request in try await clientData { try await surveys.answer(request) } }
        router.on(SurveySummaryMethod.self) { request in try await clientData { try await surveys.summary(request) } }
        router.on(ListQueuesMethod.self) { request in try await clientData { try await admin.queues(request) } }
        router.on(PutQueueMethod.self) { request in try await clientData { try await admin.putQueue(request) } }
        router.on(PutQueueMemberMethod.self) { request in try await clientData { try await admin.putMember(request) } }
        router.on(RemoveQueueMemberMethod.self) { request in try await clientData { try await admin.removeMember(request) } }
        router.on(RoutingRulesMethod.self) { request in try await clientData { try await admin.routes(request) } }
        router.on(CalendarsMethod.self) { request in try await clientData { try await admin.calendars(request) } }
        router.on(SLAFiguresMethod.self) { request in try await clientData { try await figures.figures(request) } }
        router.on(SupportCustomersMethod.self) { request in try await clientData { try await customers.customers(request) } }
        router.on(NotificationsMethod.self) { request in try await clientData { try await notifications.feed(request) } }
        router.on(NotificationSettingsMethod.self) { request in try await clientData { try await notifications.settings(request) } }
        router.on(DeflectionMethod.self) { request in try await clientData { try await suggestions.deflection(request) } }
    }
}

/// The second line behind the input checks: what PostgreSQL refuses in a client's data (text it
/// cannot store, a failed check or reference) becomes 422, never a 500.
func clientData<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
    do {
        return try await body()
    } catch let error as PSQLError {
        if let state = error.serverInfo?[.sqlState], state.hasPrefix("22") || state == "23514" || state == "23503" {
            throw RPCProblem(
                status: 422, type: ProblemType.validationFailed, title: "Validation failed",
                detail: "a value of the request is not acceptable (SQLSTATE \(state))")
        }
        throw error
    }
}
