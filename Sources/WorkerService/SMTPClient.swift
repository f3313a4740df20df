import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where and how e-mail is sent: `TD_SMTP_URL` (`smtp://[user:password@]host[:port]` in the
/// clear, for a relay on the same host or network, or `smtps://…` with TLS from the first byte,
/// port 465 by default) and `TD_SMTP_FROM`.
public struct SMTPSettings: Sendable {
    public var host: String
    public var port: Int
    public var implicitTLS: Bool
    public var user: String?
    public var password: String?
    /// The envelope sender and `From:` header, e.g. `TenantDesk <support@example.com>`.
    public var from: String
    public var timeout: Duration
    /// Attempts before a message is given up.
    public var maxAttempts: Int
    public var retryBase: Duration
    public var pollInterval: Duration

    public init(
        host: String, port: Int, implicitTLS: Bool = false, user: String? = nil, password: String? = nil, from: String,
        timeout: Duration = .seconds(30), maxAttempts: Int = 8, retryBase: Duration = .seconds(60), pollInterval: Duration = .seconds(2)
    ) {
        self.host = host
        self.port = port
        self.implicitTLS = implicitTLS
        self.user = user
        self.password = password
        self.from = from
        self.timeout = timeout
        self.maxAttempts = maxAttempts
        self.retryBase = retryBase
        self.pollInterval = pollInterval
    }

    /// Parses `TD_SMTP_URL`; nil when it is not an smtp or smtps URL with a host.
    public init?(url: String, from: String) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "smtp" || scheme == "smtps", let host = components.host, !host.isEmpty
        else { return nil }
        self.init(
            host: host, port: components.port ?? (scheme == "smtps" ? 465 : 25), implicitTLS: scheme == "smtps",
            user: components.user?.removingPercentEncoding, password: components.password?.removingPercentEncoding, from: from)
    }

    /// The address part of `from` (inside `<…>` when there is a display name).
    var envelopeFrom: String {
        if let open = from.lastIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close {
            return String(from[from.index(after: open)..<close])
        }
        return from.trimmingCharacters(in: .whitespaces)
    }
}

/// One message to send.
struct OutgoingMail: Sendable {
    var to: String
    var data: String
}

/// A small SMTP client (RFC 5321): one session per batch, `EHLO`, `AUTH PLAIN` when a user is
/// configured, then `MAIL FROM`/`RCPT TO`/`DATA` per message. Each message succeeds or fails
/// on its own (`RSET` after a refusal); a connection failure fails the rest of the batch.
struct SMTPClient: Sendable {
    let settings: SMTPSettings

    enum Failure: Error, CustomStringConvertible {
        /// 4xx: try again later.
        case transient(String)
        /// 5xx: the server refuses this message.
        case permanent(String)
        var description: String {
            switch self {
            case .transient(let text), .permanent(let text): return text
            }
        }
    }

    /// Sends the messages in one session; returns one result per message, in order.
    func send(_ mails: [OutgoingMail]) async -> [Result<Void, Failure>] {
        do {
            return try await withSession { session in
                var results: [Result<Void, Failure>] = []
                for mail in mails {
                    do {
                        try await session.deliver(mail, from: settings.envelopeFrom)
                        results.append(.success(()))
                    } catch let failure as Failure {
                        results.append(.failure(failure))
                        try await session.command("RSET", expect: 250)
                    }
                }
                try? await session.command("QUIT", expect: 221)
                return results
            }
        } catch {
            let failure = (error as? Failure) ?? .transient("SMTP \(settings.host):\(settings.port): \(Self.describe(error))")
            return mails.map { _ in .failure(failure) }
        }
    }

    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if error is CancellationError { return "no answer in time" }
        return text
    }

    private func withSession<T: Sendable>(_ body: (Session) async throws -> T) async throws -> T {
        let host = settings.host
        let tls: NIOSSLContext? = settings.implicitTLS ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let timeout = settings.timeout
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.nanoseconds(timeout.nanoseconds))
            .connect(host: host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: host))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await Task.sleep(for: timeout)
                channel.channel.close(promise: nil)
                throw Failure.transient("SMTP \(host): no answer within \(timeout)")
            }
            defer { group.cancelAll() }
            let result = try await channel.executeThenClose { inbound, outbound in
                let session = Session(lines: SMTPLines(inbound).makeAsyncIterator(), outbound: outbound)
                try await session.expect(220)
                try await session.hello()
                if let user = settings.user {
                    let token = Data("\u{0}\(user)\u{0}\(settings.password ?? "")".utf8).base64EncodedString()
                    try await session.command("AUTH PLAIN \(token)", expect: 235, redacted: "AUTH PLAIN …")
                }
                return try await body(session)
            }
            return result
        }
    }

    /// One SMTP conversation.
    final class Session: @unchecked Sendable {
        // Used by one task at a time (the batch), never concurrently.
        private var lines: SMTPLines<NIOAsyncChannelInboundStream<ByteBuffer>>.AsyncIterator
        private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

        init(lines: SMTPLines<NIOAsyncChannelInboundStream<ByteBuffer>>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
            self.lines = lines
            self.outbound = outbound
        }

        func hello() async throws {
            let name = ProcessInfo.processInfo.hostName.isEmpty ? "tenantdesk" : ProcessInfo.processInfo.hostName
            try await command("EHLO \(name)", expect: 250)
        }

        func deliver(_ mail: OutgoingMail, from: String) async throws {
            try await command("MAIL FROM:<\(from)>", expect: 250)
            try await command("RCPT TO:<\(mail.to)>", expect: 250, also: 251)
            try await command("DATA", expect: 354)
            try await outbound.write(ByteBuffer(string: Self.dotStuffed(mail.data) + ".\r\n"))
            try await expect(250)
        }

        /// Sends a command and checks the reply's code.
        func command(_ text: String, expect code: Int, also other: Int? = nil, redacted: String? = nil) async throws {
            try await outbound.write(ByteBuffer(string: text + "\r\n"))
            try await expect(code, also: other, after: redacted ?? String(text.prefix(60)))
        }

        /// Reads a reply (its continuation lines too) and checks its code.
        func expect(_ code: Int, also other: Int? = nil, after command: String = "greeting") async throws {
            var last = ""
            repeat {
                guard let line = try await lines.next() else { throw Failure.transient("the SMTP server closed the connection") }
                last = line
            } while last.count >= 4 && last[last.index(last.startIndex, offsetBy: 3)] == "-"
            let got = Int(last.prefix(3)) ?? 0
            guard got == code || got == other else {
                let text = "\(command): \(last.prefix(200))"
                throw (400..<500).contains(got) ? Failure.transient(text) : Failure.permanent(text)
            }
        }

        /// CRLF line ends, and a leading "." doubled (RFC 5321 4.5.2); ends with CRLF.
        static func dotStuffed(_ data: String) -> String {
            var out = ""
            for line in data.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
                out += (line.hasPrefix(".") ? "." : "") + line + "\r\n"
            }
            return out
        }
    }
}
