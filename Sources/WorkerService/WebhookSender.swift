import AsyncHTTPClient
import Contracts
import Domain
import Foundation
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#endif

/// Sends one attempt of a delivery: a signed POST, bounded as a whole by the timeout (connecting,
/// sending, the response head and up to 64 KiB of body). A 2xx answer succeeds; anything else,
/// a redirect included, fails with a short reason.
struct WebhookSender: Sendable {
    let client: HTTPClient
    let settings: WebhookSettings

    struct TimedOut: Error {}

    func send(_ claim: WebhookDispatcher.Claim) async -> WebhookDispatcher.Outcome {
        let start = ContinuousClock.now
        func outcome(_ code: Int?, _ error: String?) -> WebhookDispatcher.Outcome {
            .init(statusCode: code, error: error.map { String($0.prefix(500)) }, duration: ContinuousClock.now - start)
        }
        guard case .success(let target) = WebhookPolicy.target(claim.url, allowPrivate: settings.allowPrivateTargets) else {
            return outcome(nil, "the url is no longer an allowed target")
        }
        if !settings.allowPrivateTargets, let address = await Self.privateAddress(of: target.host) {
            return outcome(nil, "\(target.host) resolves to a private address (\(address))")
        }
        let body = Array(claim.payload.utf8)
        var request = HTTPClientRequest(url: claim.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "TenantDesk-Webhooks/1")
        request.headers.add(name: "TenantDesk-Event", value: claim.eventType)
        request.headers.add(name: "TenantDesk-Event-Id", value: claim.eventID)
        request.headers.add(name: "TenantDesk-Delivery", value: claim.id.text)
        request.headers.add(name: "TenantDesk-Attempt", value: String(claim.attempts))
        request.headers.add(
            name: WebhookSignature.header,
            value: WebhookSignature.sign(body: body, secret: claim.secret, timestamp: Int(Date().timeIntervalSince1970)))
        request.body = .bytes(ByteBuffer(bytes: body))
        let timeout = settings.timeout
        let prepared = request
        do {
            let code = try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask {
                    let response = try await client.execute(prepared, timeout: .nanoseconds(timeout.nanoseconds))
                    _ = try? await response.body.collect(upTo: 64 << 10)
                    return Int(response.status.code)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw TimedOut()
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw TimedOut() }
                return first
            }
            if (200..<300).contains(code) { return outcome(code, nil) }
            if (300..<400).contains(code) { return outcome(code, "HTTP \(code): redirects are not followed") }
            return outcome(code, "HTTP \(code)")
        } catch is TimedOut {
            return outcome(nil, "no answer within \(timeout)")
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return outcome(nil, "no answer within \(timeout)")
        } catch {
            return outcome(nil, Self.describe(error))
        }
    }

    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return text
    }

    /// The first loopback or private address a host name resolves to, if any (literal addresses
    /// were checked with the URL). Runs the blocking resolver off the cooperative pool.
    static func privateAddress(of host: String) async -> String? {
        if WebhookPolicy.isPrivate(host: host) { return host }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: resolve(host).first { WebhookPolicy.isPrivate(host: $0) })
            }
        }
    }

    static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}
