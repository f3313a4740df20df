import Domain
import HTTPTypes
import Hummingbird

/// Refuses request bodies over the limit (413) and bodies that are not JSON (415) before any
/// handler runs, then hands on the collected body.
struct RequestLimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch].contains(request.method) else { return try await next(request, context) }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw Self.tooLarge(maxBodyBytes)
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Self.tooLarge(maxBodyBytes)
        }
        if body.readableBytes > 0 {
            let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard let type, type == "application/json" || type.hasSuffix("+json") else {
                throw APIProblem(
                    status: 415, type: ProblemType.unsupportedMediaType, title: "Unsupported media type",
                    detail: "send the body as application/json", headers: ["Accept-Post": "application/json"])
            }
        }
        return try await next(request, context)
    }

    static func tooLarge(_ limit: Int) -> APIProblem {
        APIProblem(
            status: 413, type: ProblemType.payloadTooLarge, title: "Payload too large",
            detail: "the request body exceeds \(limit) bytes")
    }
}

import Foundation
