import Foundation
import HTTPTypes
import OpenAPIRuntime
import Synchronization

/// Answers whose JSON a service already wrote in the API's shape (a page of service requests):
/// the handler hands the bytes over with `offer` and returns a placeholder, and this middleware
/// sends the bytes in its place, so a page is not decoded and encoded again in the gateway. The
/// generated code has still parsed and checked the request; only the answer's body is replaced.
struct PassThroughJSON: ServerMiddleware {
    final class Slot: Sendable {
        let json = Mutex<Data?>(nil)
    }

    @TaskLocal static var slot: Slot?

    /// Sends `json` as the body of the answer being built. False when no middleware waits for it
    /// (the caller then returns the typed answer).
    static func offer(_ json: Data) -> Bool {
        guard let slot else { return false }
        slot.json.withLock { $0 = json }
        return true
    }

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let slot = Slot()
        let (response, body) = try await Self.$slot.withValue(slot) { try await next(request, body, metadata) }
        guard let json = slot.json.withLock({ $0.take() }) else { return (response, body) }
        var replaced = response
        // The generated code set the placeholder's length.
        replaced.headerFields[.contentLength] = String(json.count)
        return (replaced, HTTPBody(json))
    }
}
