import Glibc

/// One keep-alive HTTP/1.1 connection with blocking I/O, used by one thread at a time: a request
/// goes out in one write, its answer is read until its headers and body are complete. Nothing
/// sits between the clock and the socket (no event loop, no task switch), so what the load
/// generator times is the server's answer, as pgbench's C client times PostgreSQL's.
final class HTTPConnection {
    private let socket: Int32
    private var buffer: [UInt8]
    /// Bytes of `buffer` already read from the socket but not yet used.
    private var filled = 0

    init(host: String, port: Int) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw BenchError("not an IPv4 address: \(host)") }
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw BenchError("socket: errno \(errno)") }
        buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var on: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socket)
            throw BenchError("connect to \(host):\(port): errno \(errno)")
        }
    }

    deinit { close(socket) }

    /// Sends `request` (its whole bytes) and reads the answer.
    func execute(_ request: HTTPRequestBytes) throws -> HTTPAnswer {
        try request.bytes.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = send(socket, raw.baseAddress.map { $0 + sent }, raw.count - sent, Int32(MSG_NOSIGNAL))
                guard n > 0 else { throw BenchError("send: errno \(errno)") }
                sent += n
            }
        }
        return try readAnswer()
    }

    private func readAnswer() throws -> HTTPAnswer {
        let headerEnd = try read(until: Self.blankLine, from: 0) + Self.blankLine.count
        let head = HTTPHead(buffer[0..<headerEnd])
        guard let status = head.status else { throw BenchError("not an HTTP answer") }
        let body: [UInt8]
        if head.chunked {
            body = try readChunked(from: headerEnd)
        } else {
            let length = head.contentLength ?? 0
            while filled < headerEnd + length { try fill() }
            body = Array(buffer[headerEnd..<(headerEnd + length)])
            consume(headerEnd + length)
        }
        return HTTPAnswer(status: status, body: body)
    }

    private func readChunked(from start: Int) throws -> [UInt8] {
        var body: [UInt8] = []
        var position = start
        while true {
            let lineEnd = try read(until: Self.crlf, from: position)
            guard let size = Int(String(decoding: buffer[position..<lineEnd], as: UTF8.self)
                      .split(separator: ";").first.map(String.init) ?? "", radix: 16) else {
                throw BenchError("bad chunk size")
            }
            position = lineEnd + 2
            while filled < position + size + 2 { try fill() }
            if size == 0 {
                consume(position + 2)
                return body
            }
            body += buffer[position..<(position + size)]
            position += size + 2
        }
    }

    /// Reads more bytes into the buffer, growing it when full.
    private func fill() throws {
        if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
        let n = buffer.withUnsafeMutableBytes { raw in
            recv(socket, raw.baseAddress.map { $0 + filled }, raw.count - filled, 0)
        }
        guard n > 0 else { throw BenchError(n == 0 ? "the server closed the connection" : "recv: errno \(errno)") }
        filled += n
    }

    /// Drops the first `count` bytes of the buffer (an answer read in full).
    private func consume(_ count: Int) {
        let rest = filled - count
        if rest > 0 { buffer.replaceSubrange(0..<rest, with: buffer[count..<filled]) }
        filled = rest
    }

    private static let crlf: [UInt8] = [13, 10]
    private static let blankLine = crlf + crlf

    /// Reads until `pattern` is in the buffer at or after `start`; returns where it begins.
    private func read(until pattern: [UInt8], from start: Int) throws -> Int {
        var from = start
        while true {
            var index = from
            while index + pattern.count <= filled {
                if buffer[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
                index += 1
            }
            from = max(start, filled - pattern.count + 1)
            try fill()
        }
    }
}

/// An answer: its status code and body.
struct HTTPAnswer {
    var status: Int
    var body: [UInt8]
}

/// A request written out once, sent as many times as needed.
struct HTTPRequestBytes: Sendable {
    let bytes: [UInt8]

    init(_ method: String, _ path: String, host: String, headers: [(String, String)] = [], body: String? = nil) {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body {
            text += "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        } else {
            text += method == "GET" ? "\r\n" : "Content-Length: 0\r\n\r\n"
        }
        bytes = Array(text.utf8)
    }
}

/// The status line and the two headers that frame an answer's body.
private struct HTTPHead {
    var status: Int?
    var contentLength: Int?
    var chunked = false

    init(_ bytes: ArraySlice<UInt8>) {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n")
        if let first = lines.first {
            let parts = first.split(separator: " ")
            if parts.count >= 2, parts[0].hasPrefix("HTTP/1.") { status = Int(parts[1]) }
        }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            if name == "content-length" { contentLength = Int(value) }
            if name == "transfer-encoding", value.lowercased().contains("chunked") { chunked = true }
        }
    }
}

private extension Substring {
    var trimmingSpaces: Substring {
        var slice = self
        while slice.first == " " || slice.first == "\t" { slice = slice.dropFirst() }
        while slice.last == " " || slice.last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
