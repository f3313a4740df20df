import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import WorkerService

/// A webhook receiver on loopback for the tests: `POST /ok/<name>` answers 204, `/fail/<name>`
/// 500, and `/hang/<name>` answers only after 30 s. Every request is recorded with its headers,
/// body, arrival time and whether its signature verifies with the secret registered for `<name>`.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var behaviour: String
        var name: String
        var event: String
        var eventID: String
        var attempt: Int
        var signatureValid: Bool
        var signature: String
        var body: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(raw))) as? [String: Any] ?? [:] }
        var raw: [UInt8]
        var at: ContinuousClock.Instant
    }

    private let state = Mutex<(received: [Received], secrets: [String: String])>(([], [:]))
    private let port = Mutex<Int?>(nil)
    private let task = Mutex<Task<Void, any Error>?>(nil)

    /// Starts a receiver and returns it once it listens.
    static func start() async throws -> WebhookReceiver {
        let receiver = WebhookReceiver()
        let router = Router()
        router.post("/:behaviour/:name") { request, context -> Response in
            let behaviour = context.parameters.get("behaviour") ?? ""
            let name = context.parameters.get("name") ?? ""
            let body = try await request.body.collect(upTo: 1 << 20)
            let bytes = Array(buffer: body)
            receiver.record(behaviour: behaviour, name: name, headers: request.headers, body: bytes)
            switch behaviour {
            case "ok": return Response(status: .noContent)
            case "hang":
                try? await Task.sleep(for: .seconds(30))
                return Response(status: .ok)
            default: return Response(status: .internalServerError)
            }
        }
        var logger = Logger(label: "webhook-receiver")
        // Its shutdown at the end of a test (a hanging request cancelled) is no news.
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in receiver.port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        let group = ServiceGroup(services: [app], logger: logger)
        let task = Task { try await group.run() }
        receiver.task.withLock { $0 = task }
        let deadline = ContinuousClock.now + .seconds(10)
        while receiver.port.withLock({ $0 }) == nil {
            guard ContinuousClock.now < deadline else { throw SliceError("the webhook receiver did not start") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return receiver
    }

    func stop() { task.withLock { $0?.cancel() } }

    /// The URL of a behaviour for a name, e.g. `url("ok", "alpha")`.
    func url(_ behaviour: String, _ name: String) -> String {
        "http://127.0.0.1:\(port.withLock { $0 } ?? 0)/\(behaviour)/\(name)"
    }

    /// Tells the receiver the secret requests for `name` are signed with.
    func expect(secret: String, for name: String) { state.withLock { $0.secrets[name] = secret } }

    var received: [Received] { state.withLock { $0.received } }

    func received(_ name: String) -> [Received] { received.filter { $0.name == name } }

    private func record(behaviour: String, name: String, headers: HTTPFields, body: [UInt8]) {
        func header(_ text: String) -> String? { HTTPField.Name(text).flatMap { headers[$0] } }
        state.withLock { state in
            let secret = state.secrets[name] ?? ""
            let signature = header(WebhookSignature.header) ?? ""
            let valid = header(WebhookSignature.header).map {
                WebhookSignature.verify(header: $0, body: body, secret: secret, now: Int(Date().timeIntervalSince1970))
            } ?? false
            state.received.append(Received(
                behaviour: behaviour, name: name, event: header("TenantDesk-Event") ?? "", eventID: header("TenantDesk-Event-Id") ?? "",
                attempt: Int(header("TenantDesk-Attempt") ?? "") ?? 0, signatureValid: valid, signature: signature, raw: body, at: .now))
        }
    }
}
