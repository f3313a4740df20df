import Domain
import HTTPTypes
import Hummingbird
import NIOCore

/// Refuses request bodies over the limit (413), bodies that are not JSON (415), and a NUL
/// character in a JSON body or the query (422) before any handler runs, then hands on the
/// collected body. Attachment uploads carry the file itself,
/// of any media type, up to their own limit.
struct RequestLimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int
    let attachmentMaxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let query = request.uri.query, NULText.inQuery(query) { throw Self.nul("the query") }
        guard [.post, .put, .patch].contains(request.method) else { return try await next(request, context) }
        let isUpload = request.method == .post && Self.isAttachmentUpload(request.uri.path)
        let limit = isUpload ? attachmentMaxBytes : maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw Self.tooLarge(limit)
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch let error where error is NIOTooManyBytesError || (error as? HTTPError)?.status == .contentTooLarge {
            // Without Content-Length (a chunked body), the limit is found while collecting.
            throw Self.tooLarge(limit)
        }
        if isUpload {
            // The generated route expects application/octet-stream; what the file is, the worker
            // decides from its bytes.
            var head = request.head
            head.headerFields[.contentType] = "application/octet-stream"
            return try await next(Request(head: head, body: .init(buffer: body)), context)
        }
        if body.readableBytes > 0 {
            let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard type == "application/json" else {
                throw APIProblem(
                    status: 415, type: ProblemType.unsupportedMediaType, title: "Unsupported media type",
                    detail: "send the body as application/json", headers: ["Accept-Post": "application/json"])
            }
            if NULText.inJSON(body.readableBytesView) { throw Self.nul("the body") }
        }
        return try await next(request, context)
    }

    /// `/v1/tenants/{tenantId}/requests/{requestId}/attachments`.
    static func isAttachmentUpload(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 7 && parts[1] == "v1" && parts[2] == "tenants" && parts[4] == "requests" && parts[6] == "attachments"
    }

    /// A NUL character (U+0000), which no text of the API can hold.
    static func nul(_ part: String) -> APIProblem {
        .invalid("\(part) contains a NUL character (U+0000), which no text may hold")
    }

    static func tooLarge(_ limit: Int) -> APIProblem {
        APIProblem(
            status: 413, type: ProblemType.payloadTooLarge, title: "Payload too large",
            detail: "the request body exceeds \(limit) bytes")
    }
}

import Foundation
