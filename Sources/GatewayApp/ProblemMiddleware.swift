import AMQP
import Domain
import HTTPTypes
import Hummingbird
import Logging
import OpenAPIRuntime

/// Outermost middleware: gives every request an id (`X-Request-Id`), and turns every error
/// into a problem+json response. Client mistakes never become a 500.
struct ProblemMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let logger: Logger
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    var trustedProxies: [ClientAddress.Range] = []

    static var forwardedFor: HTTPField.Name { HTTPField.Name("X-Forwarded-For") ?? .via }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = Self.requestID(from: request)
        do {
            let client = ClientAddress.client(
                peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[values: Self.forwardedFor], trusted: trustedProxies)
            let info = RequestInfo(id: requestID, sourceAddress: client)
            var response = try await RequestInfo.$current.withValue(info) {
                try await RequestTrace.$requestID.withValue(requestID) { try await next(request, context) }
            }
            response.headers[.requestID] = requestID
            return response
        } catch {
            let problem = Self.problem(for: error, request: request, requestID: requestID, logger: logger)
            return Self.response(problem, requestID: requestID, path: request.uri.path)
        }
    }

    static func response(_ problem: APIProblem, requestID: String, path: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        headers[.requestID] = requestID
        headers[.cacheControl] = "no-store"
        if let retryAfter = problem.retryAfter { headers[.retryAfter] = String(retryAfter) }
        for (name, value) in problem.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        let body = problem.body(requestID: requestID, instance: path)
        return Response(
            status: .init(code: problem.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func problem(for error: any Error, request: Request, requestID: String, logger: Logger) -> APIProblem {
        switch error {
        case let problem as APIProblem:
            return problem
        case let error as ServerError:
            return problem(for: error, requestID: requestID, logger: logger)
        case let error as HTTPError:
            return problem(for: error)
        case let error as DecodingError:
            return problem(for: error)
        default:
            logger.error("unhandled error", metadata: ["request_id": "\(requestID)", "error": "\(error)"])
            return .internalError
        }
    }

    private static func problem(for error: ServerError, requestID: String, logger: Logger) -> APIProblem {
        if let problem = error.underlyingError as? APIProblem { return problem }
        if let decoding = error.underlyingError as? DecodingError { return problem(for: decoding) }
        if let http = error.underlyingError as? HTTPError { return problem(for: http) }
        // The generated code rejects requests that do not match the document (a missing body,
        // an unparsable parameter) before the handler runs.
        if error.operationInput == nil {
            return .malformed("the request does not match the operation \(error.operationID): \(error.causeDescription)")
        }
        logger.error("handler failed", metadata: [
            "request_id": "\(requestID)", "operation": "\(error.operationID)", "error": "\(error.underlyingError)",
        ])
        return .internalError
    }

    private static func problem(for error: HTTPError) -> APIProblem {
        switch error.status.code {
        case 413:
            return APIProblem(
                status: 413, type: ProblemType.payloadTooLarge, title: "Payload too large",
                detail: "the request body exceeds the limit")
        case 404:
            return .notFound
        case 405:
            return APIProblem(status: 405, type: ProblemType.methodNotAllowed, title: "Method not allowed")
        case 400..<500:
            return .malformed(error.body ?? "the request is not acceptable")
        default:
            return .internalError
        }
    }

    /// A body with a field the operation does not define is refused, never silently ignored: the
    /// caller may be trying to set something it may not (a tenant, roles, an owner).
    private static func problem(for error: DecodingError) -> APIProblem {
        if case .dataCorrupted(let context) = error, context.debugDescription.hasPrefix("Additional properties are disabled") {
            let field = context.codingPath.last?.stringValue ?? "?"
            return APIProblem(
                status: 422, type: ProblemType.fieldNotAllowed, title: "Field not allowed",
                detail: "\(field) is not a field of this operation, or not one you may set")
        }
        // Query and path parameters are decoded the same way as the body, so say which part.
        return .malformed("a parameter or the body does not match this operation: \(describe(error))")
    }

    private static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        func at(_ context: DecodingError.Context) -> String {
            let path = fieldPath(context.codingPath)
            return path.isEmpty ? "" : " at \(path)"
        }
        switch decoding {
        case .keyNotFound(let key, let context): return "missing field \(fieldPath(context.codingPath + [key]))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "wrong type or value\(at(context))"
        case .dataCorrupted(let context): return "not a valid value\(at(context))"
        @unknown default: return "not valid"
        }
    }

    /// A field's place as a client writes it: `contact.name`, `events[0]`.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else if !key.stringValue.isEmpty {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    private static func requestID(from request: Request) -> String {
        if let incoming = request.headers[.requestID], (8...128).contains(incoming.count),
           incoming.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            return incoming
        }
        return MessageID.random()
    }
}

/// Per-request values the generated handlers cannot receive as parameters.
struct RequestInfo: Sendable {
    var id: String
    /// The client's IP address (the peer of the connection).
    var sourceAddress: String?
    var principal: Result<Principal, APIProblem>?

    @TaskLocal static var current = RequestInfo(id: "-")
}

extension HTTPField.Name {
    static let requestID: HTTPField.Name = {
        guard let name = HTTPField.Name("X-Request-Id") else { preconditionFailure("X-Request-Id is a valid field name") }
        return name
    }()
}
