import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 exchange over a plain socket, for what the test client cannot send (a chunked
/// body): writes `request` as it is, reads until the server closes, returns what it sent.
enum RawHTTP {
    static func exchange(port: Int, _ request: [UInt8]) async throws -> String {
        try await offPool {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw SliceError("socket: \(errno)") }
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw SliceError("connect: \(errno)") }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var sent = 0
            while sent < request.count {
                let wrote = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                // The server may answer and close before the whole body is sent.
                if wrote <= 0 { break }
                sent += wrote
            }
            var answer: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if got <= 0 { break }
                answer += buffer[..<got]
                if Self.complete(answer) { break }
            }
            return String(decoding: answer, as: UTF8.self)
        }
    }

    /// Whether `answer` holds a whole response with a Content-Length body.
    private static func complete(_ answer: [UInt8]) -> Bool {
        let text = String(decoding: answer, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<end.lowerBound].lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else { return false }
        return text[end.upperBound...].utf8.count >= length
    }

    /// A POST of `body` in chunks of 16 KiB, without Content-Length.
    static func chunkedPost(path: String, headers: [String: String], body: [UInt8]) -> [UInt8] {
        var request = "POST \(path) HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        var bytes = Array((request + "\r\n").utf8)
        var offset = 0
        while offset < body.count {
            let chunk = body[offset..<min(offset + 16384, body.count)]
            bytes += Array((String(chunk.count, radix: 16) + "\r\n").utf8) + chunk + Array("\r\n".utf8)
            offset += chunk.count
        }
        return bytes + Array("0\r\n\r\n".utf8)
    }
}
