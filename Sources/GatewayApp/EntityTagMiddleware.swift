import HTTPTypes
import Foundation
import Hummingbird

/// Restores the quotes of `ETag`: the generated server percent-encodes header values, but an
/// entity tag is a quoted string (RFC 9110 §8.8.3), `"v3"`, which clients send back in `If-Match`.
struct EntityTagMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let tag = response.headers[.eTag], tag.contains("%"), let decoded = tag.removingPercentEncoding {
            response.headers[.eTag] = decoded
        }
        return response
    }
}
