import Foundation
import HTTPTypes
import OpenAPIRuntime
import Synchronization

/// Answers whose JSON a service already wrote in the API's shape (a page of service requests, a
/// request): the handler hands the bytes over with `send`, which ends the handler, and this
/// middleware answers with them, so the answer is neither decoded nor encoded again in the
/// gateway (not even a placeholder of the typed answer). The generated code has still parsed and
/// checked the request; only the answer is written here, with the status, JSON content type and
/// headers the typed answer would have had.
struct PassThroughJSON: ServerMiddleware {
    struct Answer: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var json: Data
    }

    final class Slot: Sendable {
        let answer = Mutex<Answer?>(nil)
    }

    /// Thrown by `send` to end the handler; never leaves this middleware.
    struct Answered: Error {}

    @TaskLocal static var slot: Slot?

    /// The content type the generated code gives JSON answers.
    static let contentType = "application/json; charset=utf-8"

    /// Answers with `json` and ends the handler by throwing `Answered`. Returns (doing nothing)
    /// when no middleware waits for it; the caller then returns the typed answer.
    static func send(_ json: Data, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws {
        guard let slot else { return }
        slot.answer.withLock { $0 = Answer(status: status, headers: headers, json: json) }
        throw Answered()
    }

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let slot = Slot()
        do {
            return try await Self.$slot.withValue(slot) { try await next(request, body, metadata) }
        } catch {
            // The generated code wraps what the handler threw.
            guard Self.isAnswered(error), let answer = slot.answer.withLock({ $0.take() }) else { throw error }
            var fields = answer.headers
            fields[.contentType] = Self.contentType
            fields[.contentLength] = String(answer.json.count)
            return (HTTPResponse(status: answer.status, headerFields: fields), HTTPBody(answer.json))
        }
    }

    static func isAnswered(_ error: any Error) -> Bool {
        if error is Answered { return true }
        if let wrapped = error as? ServerError { return wrapped.underlyingError is Answered }
        return false
    }
}
