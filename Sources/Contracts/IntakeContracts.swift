import Domain
import Foundation

/// `worker.intake-options.v1`: what the tenant's plan allows, before the wizard starts.
public enum IntakeOptionsMethod: RPCMethod {
    public static let name = "worker.intake-options.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public init(context: ActingContext) { self.context = context }
    }
    public typealias Response = IntakeOptions
}

public struct IntakeOptions: Codable, Sendable, Equatable {
    public var plan: SupportPlan
    public var severities: [SeverityOption]
    public var categories: [CategoryOption]
    public var contactRules: [String]
    public init(plan: SupportPlan, severities: [SeverityOption], categories: [CategoryOption], contactRules: [String]) {
        self.plan = plan
        self.severities = severities
        self.categories = categories
        self.contactRules = contactRules
    }
}

public struct SeverityOption: Codable, Sendable, Equatable {
    public var severity: Severity
    public var name: String
    public var definition: String
    public var requiresPhone: Bool
    public var aroundTheClock: Bool
    /// Expected first response under the tenant's plan.
    public var targetMinutes: Int
    public init(severity: Severity, name: String, definition: String, requiresPhone: Bool, aroundTheClock: Bool, targetMinutes: Int) {
        self.severity = severity
        self.name = name
        self.definition = definition
        self.requiresPhone = requiresPhone
        self.aroundTheClock = aroundTheClock
        self.targetMinutes = targetMinutes
    }
}

public struct CategoryOption: Codable, Sendable, Equatable {
    public var code: String
    public var name: String
    /// `billing`, `device-management` or `more`.
    public var group: String
    public var technical: Bool
    public var languages: [String]
    /// Whether the tenant's plan covers the category.
    public var covered: Bool
    /// When the queue taking it is staffed (`nil`: around the clock).
    public var hours: StaffedHours?
    public init(code: String, name: String, group: String, technical: Bool, languages: [String], covered: Bool, hours: StaffedHours?) {
        self.code = code
        self.name = name
        self.group = group
        self.technical = technical
        self.languages = languages
        self.covered = covered
        self.hours = hours
    }
}

/// A queue's staffed hours, in its time zone.
public struct StaffedHours: Codable, Sendable, Equatable {
    public var calendar: String
    public var timeZone: String
    /// `mon`...`sun` → `["09:00", "18:00"]` intervals.
    public var weekly: [String: [[String]]]
    public init(calendar: String, timeZone: String, weekly: [String: [[String]]]) {
        self.calendar = calendar
        self.timeZone = timeZone
        self.weekly = weekly
    }
}

/// `worker.features.v1`: a category's features and their symptoms (step 2 of the wizard).
public enum FeaturesMethod: RPCMethod {
    public static let name = "worker.features.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var category: String
        public init(category: String) { self.category = category }
    }
    public struct Response: Codable, Sendable, Equatable {
        public var features: [Feature]
        public init(features: [Feature]) { self.features = features }
    }
    public struct Feature: Codable, Sendable, Equatable {
        public var code: String
        public var name: String
        public var symptoms: [Symptom]
        public init(code: String, name: String, symptoms: [Symptom]) {
            self.code = code
            self.name = name
            self.symptoms = symptoms
        }
    }
    public struct Symptom: Codable, Sendable, Equatable {
        public var code: String
        public var name: String
        public init(code: String, name: String) {
            self.code = code
            self.name = name
        }
    }
}

/// `worker.suggestions.v1`: ranked self-help articles for a problem, recorded as a session.
public enum SuggestionsMethod: RPCMethod {
    public static let name = "worker.suggestions.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var category: String
        public var feature: String?
        public var symptom: String?
        public var text: String
        public var language: String
        public var idempotencyKey: String?
        public init(
            context: ActingContext, category: String, feature: String?, symptom: String?, text: String, language: String,
            idempotencyKey: String? = nil
        ) {
            self.idempotencyKey = idempotencyKey
            self.context = context
            self.category = category
            self.feature = feature
            self.symptom = symptom
            self.text = text
            self.language = language
        }
    }
    public struct Response: Codable, Sendable, Equatable {
        public var sessionID: String
        public var articles: [SuggestedArticle]
        public init(sessionID: String, articles: [SuggestedArticle]) {
            self.sessionID = sessionID
            self.articles = articles
        }
    }
}

public struct SuggestedArticle: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var url: String
    public var language: String
    public var snippet: String
    public var score: Double
    public init(id: String, title: String, url: String, language: String, snippet: String, score: Double) {
        self.id = id
        self.title = title
        self.url = url
        self.language = language
        self.snippet = snippet
        self.score = score
    }
}

/// `worker.suggestion-outcome.v1`: whether the suggestions helped (the admin stops) or the admin
/// continued to a request.
public enum SuggestionOutcomeMethod: RPCMethod {
    public static let name = "worker.suggestion-outcome.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var sessionID: String
        /// `helped` or `continued`.
        public var outcome: String
        public var articleID: String?
        public init(context: ActingContext, sessionID: String, outcome: String, articleID: String?) {
            self.context = context
            self.sessionID = sessionID
            self.outcome = outcome
            self.articleID = articleID
        }
    }
    public typealias Response = EmptyResponse
}
