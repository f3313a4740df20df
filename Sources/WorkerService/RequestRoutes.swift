import Contracts
import Logging
import Messaging
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

    init(database: Database, outbox: Outbox, limits: AttachmentLimits, logger: Logger) {
        let idempotency = Idempotency(database: database, logger: logger)
        catalogue = SupportCatalogue(database: database, logger: logger)
        suggestions = Suggestions(database: database, logger: logger)
        requests = ServiceRequests(database: database, catalogue: catalogue, idempotency: idempotency, outbox: outbox, logger: logger)
        queries = RequestQueries(database: database, logger: logger)
        thread = RequestThread(database: database, idempotency: idempotency, outbox: outbox, logger: logger)
        attachments = RequestAttachments(database: database, idempotency: idempotency, outbox: outbox, limits: limits, logger: logger)
        support = SupportWork(database: database, outbox: outbox, logger: logger)
        severities = SeverityChanges(database: database, catalogue: catalogue, outbox: outbox, logger: logger)
        surveys = Surveys(database: database, outbox: outbox, logger: logger)
    }

    func register(on router: inout RPCRouter) {
        router.on(IntakeOptionsMethod.self) { try await catalogue.intakeOptions($0.context) }
        router.on(FeaturesMethod.self) { try await catalogue.features(category: $0.category) }
        router.on(SuggestionsMethod.self) { try await suggestions.suggest($0) }
        router.on(SuggestionOutcomeMethod.self) { try await suggestions.recordOutcome($0) }
        router.on(CreateRequestMethod.self) { try await requests.create($0) }
        router.on(UpdateRequestMethod.self) { try await requests.update($0) }
        router.on(SubmitRequestMethod.self) { try await requests.submit($0) }
        router.on(GetRequestMethod.self) { try await queries.get($0) }
        router.on(ListRequestsMethod.self) { try await queries.list($0) }
        router.on(AddMessageMethod.self) { try await thread.addMessage($0) }
        router.on(TransitionRequestMethod.self) { try await thread.transition($0) }
        router.on(UploadAttachmentMethod.self) { try await attachments.upload($0) }
        router.on(DownloadAttachmentMethod.self) { try await attachments.download($0) }
        router.on(AssignRequestMethod.self) { try await support.assign($0) }
        router.on(EscalateRequestMethod.self) { try await support.escalate($0) }
        router.on(ChangeSeverityMethod.self) { try await severities.change($0) }
        router.on(DecideSeverityMethod.self) { try await severities.decide($0) }
        router.on(AnswerSurveyMethod.self) { try await surveys.answer($0) }
        router.on(SurveySummaryMethod.self) { try await surveys.summary($0) }
    }
}
