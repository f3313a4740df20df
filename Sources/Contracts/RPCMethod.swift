import Domain

/// An RPC operation between TenantDesk processes: its versioned name (sent as the AMQP message
/// type), the queue that serves it, and its request and response bodies (JSON).
public protocol RPCMethod {
    associatedtype Request: Codable & Sendable
    associatedtype Response: Codable & Sendable
    /// Versioned name, e.g. `roles.login.v1`. A breaking change gets a new version.
    static var name: String { get }
    /// The queue of the service that answers it.
    static var queue: String { get }
}

/// An RPC operation whose successful reply body is the response's JSON itself, already in the
/// shape the gateway sends on (a page of the public API), with no envelope around it: the
/// reply's content type is `RPCContentType.result`. A failure comes back as every other reply
/// does (the `RPCReply` envelope, `RPCContentType.envelope`), so a callee that does not know the
/// method still answers in a form the caller reads.
public protocol RawJSONMethod {
    associatedtype Request: Codable & Sendable
    /// Versioned name, e.g. `worker.requests.list.v3`.
    static var name: String { get }
    /// The queue of the service that answers it.
    static var queue: String { get }
}

/// Content types of RPC replies.
public enum RPCContentType {
    /// An `RPCReply` envelope: the response or a problem.
    public static let envelope = "application/json"
    /// The successful response of a `RawJSONMethod`, as it is.
    public static let result = "application/vnd.tenantdesk.result+json"
}

/// Application headers of RPC requests.
public enum RPCHeader {
    /// The client request the call is made for (`RequestTrace.requestID`), for the callee's log.
    public static let requestID = "request-id"
}

/// The request of a method that takes no arguments.
public struct EmptyRequest: Codable, Sendable, Equatable {
    public init() {}
}

/// The reply to every RPC: either the response or the problem that prevented it.
public enum RPCReply<Response: Codable & Sendable>: Codable, Sendable {
    case success(Response)
    case failure(RPCProblem)

    private enum CodingKeys: String, CodingKey { case result, problem }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let problem = try container.decodeIfPresent(RPCProblem.self, forKey: .problem) {
            self = .failure(problem)
        } else {
            self = .success(try container.decode(Response.self, forKey: .result))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .success(let response): try container.encode(response, forKey: .result)
        case .failure(let problem): try container.encode(problem, forKey: .problem)
        }
    }
}

/// A problem reported by the callee, carried to the gateway and rendered as RFC 9457
/// problem+json there.
public struct RPCProblem: Codable, Sendable, Error, Equatable {
    /// HTTP status the gateway answers with.
    public var status: Int
    /// Stable problem type (see `ProblemType`).
    public var type: String
    /// Short, human-readable summary of the problem type.
    public var title: String
    /// Explanation specific to this occurrence.
    public var detail: String?
    /// Seconds after which retrying makes sense (429, 503).
    public var retryAfter: Int?

    /// Creates a problem.
    public init(status: Int, type: String, title: String, detail: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.retryAfter = retryAfter
    }
}

/// Names of the RPC queues.
public enum RPCQueue {
    /// Served by the role/permission service.
    public static let roles = "tenantdesk.rpc.roles"
    /// Served by the worker.
    public static let worker = "tenantdesk.rpc.worker"
}

/// Work queues: durable quorum queues bound to the event exchange, each with a delivery limit.
public enum WorkQueue {
    /// `request.submitted` → triage and assignment.
    public static let triage = "tenantdesk.work.triage"
    /// Request events and relationship reminders → the notification feed.
    public static let notifications = "tenantdesk.work.notifications"
    /// Request and delegation events → deliveries to tenants' webhooks.
    public static let webhooks = "tenantdesk.work.webhooks"
    /// Everything the dead-letter exchange receives, kept by the worker in PostgreSQL.
    public static let deadLetters = "tenantdesk.dead-letters"
}

/// Names of the exchanges.
public enum ExchangeName {
    /// Topic exchange of domain events (`request.submitted`, `delegation.changed`, ...).
    public static let events = "tenantdesk.events"
    /// Dead-letter exchange of work queues.
    public static let deadLetter = "tenantdesk.dead-letter"
}

extension RPCProblem {
    /// 404 for what does not exist or must not be revealed (the two look the same).
    public static let notFound = RPCProblem(status: 404, type: ProblemType.notFound, title: "Not found", detail: "no such resource")

    /// 422: a value of the request is not acceptable.
    public static func invalid(_ detail: String) -> RPCProblem {
        RPCProblem(status: 422, type: ProblemType.validationFailed, title: "Validation failed", detail: detail)
    }
}
