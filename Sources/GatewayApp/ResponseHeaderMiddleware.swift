import Foundation
import HTTPTypes
import Hummingbird

/// Restores header values the generated server percent-encodes: an entity tag is a quoted
/// string (`ETag: "v3"`, RFC 9110 §8.8.3), `Content-Disposition` carries quotes, `;` and `=`
/// (RFC 6266), and `Repr-Digest` a structured field (`sha-256=:…:`, RFC 9530).
struct ResponseHeaderMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        for name in [HTTPField.Name.eTag, .contentDisposition, Self.reprDigest] {
            if let value = response.headers[name], value.contains("%"), let decoded = value.removingPercentEncoding {
                response.headers[name] = decoded
            }
        }
        return response
    }

    static var reprDigest: HTTPField.Name { HTTPField.Name("Repr-Digest") ?? .eTag }
}
