import Contracts
import Domain
import Foundation
import HTTPTypes

/// A problem the gateway answers with (RFC 9457). Handlers and middleware throw it; the
/// problem middleware renders it.
public struct APIProblem: Error, Sendable, Equatable {
    public var status: Int
    public var type: String
    public var title: String
    public var detail: String?
    public var retryAfter: Int?
    public var headers: [String: String]

    public init(status: Int, type: String, title: String, detail: String? = nil, retryAfter: Int? = nil, headers: [String: String] = [:]) {
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.retryAfter = retryAfter
        self.headers = headers
    }

    /// A problem carried back from a service.
    public init(_ problem: RPCProblem) {
        self.init(status: problem.status, type: problem.type, title: problem.title, detail: problem.detail, retryAfter: problem.retryAfter)
        if problem.status == 401 { headers["WWW-Authenticate"] = "Bearer" }
    }

    static func unauthenticated(_ detail: String, error: String = "invalid_token") -> APIProblem {
        APIProblem(
            status: 401, type: ProblemType.unauthenticated, title: "Authentication required", detail: detail,
            headers: ["WWW-Authenticate": "Bearer error=\"\(error)\""])
    }

    static func malformed(_ detail: String) -> APIProblem {
        APIProblem(status: 400, type: ProblemType.malformedRequest, title: "Malformed request", detail: detail)
    }

    static func invalid(_ detail: String) -> APIProblem {
        APIProblem(status: 422, type: ProblemType.validationFailed, title: "Validation failed", detail: detail)
    }

    /// The problem of a denied decision (the same mapping as the role service's).
    static func denied(_ reason: Authorization.DenyReason) -> APIProblem {
        APIProblem(RPCProblem.denied(reason))
    }

    static let notFound = APIProblem(
        status: 404, type: ProblemType.notFound, title: "Not found", detail: "no such resource")

    static let internalError = APIProblem(
        status: 500, type: ProblemType.internalError, title: "Internal error",
        detail: "the gateway failed; the request id identifies it in the logs")

    /// The JSON body.
    func body(requestID: String, instance: String) -> [UInt8] {
        struct Body: Encodable {
            var type: String
            var title: String
            var status: Int
            var detail: String?
            var instance: String
            var request_id: String
        }
        let encoder = JSONEncoder()
        // `instance` is a path: written as is, not with every slash escaped.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = Body(type: type, title: title, status: status, detail: detail, instance: instance, request_id: requestID)
        return Array((try? encoder.encode(body)) ?? Data("{\"status\":\(status)}".utf8))
    }
}
