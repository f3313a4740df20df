import Foundation
import NIOCore
import NIOPosix
import Synchronization
import WorkerService

/// An SMTP server on loopback for the tests: it accepts every message and keeps it, except for
/// recipients whose address contains `+defer` (451, try later) or `+refuse` (550).
final class SMTPSink: Sendable {
    struct Mail: Sendable {
        var from: String
        var to: [String]
        var data: String

        /// The decoded `Subject:` (an RFC 2047 base64 word, or plain).
        var subject: String {
            guard let line = data.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("Subject: ") }) else { return "" }
            let value = String(line.dropFirst("Subject: ".count))
            guard value.hasPrefix("=?UTF-8?B?"), value.hasSuffix("?=") else { return value }
            let encoded = value.dropFirst("=?UTF-8?B?".count).dropLast(2)
            return Data(base64Encoded: String(encoded)).map { String(decoding: $0, as: UTF8.self) } ?? value
        }

        /// The decoded text after the headers.
        var text: String {
            guard let range = data.range(of: "\r\n\r\n") else { return "" }
            let encoded = data[range.upperBound...].replacingOccurrences(of: "\r\n", with: "")
            return Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }

        var headerNames: [String] {
            guard let range = data.range(of: "\r\n\r\n") else { return [] }
            return data[..<range.lowerBound].components(separatedBy: "\r\n").compactMap { $0.split(separator: ":").first.map(String.init) }
        }
    }

    private let mails = Mutex<[Mail]>([])
    let port: Int
    private let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>

    private init(server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>) {
        self.server = server
        port = server.channel.localAddress?.port ?? 0
    }

    static func start() async throws -> SMTPSink {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        let sink = SMTPSink(server: server)
        Task.detached {
            try? await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask { try? await sink.serve(connection) }
                    }
                }
            }
        }
        return sink
    }

    var received: [Mail] { mails.withLock { $0 } }

    func received(to address: String) -> [Mail] { received.filter { $0.to.contains(address) } }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            func reply(_ text: String) async throws { try await outbound.write(ByteBuffer(string: text + "\r\n")) }
            try await reply("220 sink.test ESMTP")
            var from = ""
            var to: [String] = []
            var data: [String]?
            for try await line in SMTPLines(inbound) {
                if var lines = data {
                    if line == "." {
                        let text = lines.map { $0.hasPrefix("..") ? String($0.dropFirst()) : $0 }.joined(separator: "\r\n")
                        mails.withLock { $0.append(Mail(from: from, to: to, data: text)) }
                        data = nil
                        to = []
                        try await reply("250 queued")
                    } else {
                        lines.append(line)
                        data = lines
                    }
                    continue
                }
                let upper = line.uppercased()
                if upper.hasPrefix("EHLO") {
                    try await reply("250-sink.test\r\n250 8BITMIME")
                } else if upper.hasPrefix("MAIL FROM:") {
                    from = Self.address(line)
                    try await reply("250 ok")
                } else if upper.hasPrefix("RCPT TO:") {
                    let address = Self.address(line)
                    if address.contains("+defer") {
                        try await reply("451 4.3.0 try again later")
                    } else if address.contains("+refuse") {
                        try await reply("550 5.1.1 no such mailbox")
                    } else {
                        to.append(address)
                        try await reply("250 ok")
                    }
                } else if upper == "DATA" {
                    data = []
                    try await reply("354 go ahead")
                } else if upper == "RSET" {
                    to = []
                    try await reply("250 reset")
                } else if upper == "QUIT" {
                    try await reply("221 bye")
                    return
                } else {
                    try await reply("502 not implemented")
                }
            }
        }
    }

    static func address(_ line: String) -> String {
        guard let open = line.firstIndex(of: "<"), let close = line.lastIndex(of: ">"), open < close else { return "" }
        return String(line[line.index(after: open)..<close])
    }
}
