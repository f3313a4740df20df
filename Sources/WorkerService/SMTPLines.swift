import NIOCore

/// Splits a stream of bytes into CRLF- (or LF-) terminated lines, at most `limit` bytes each.
/// Shared by the SMTP client and the tests' SMTP sink.
public struct SMTPLines<Base: AsyncSequence & Sendable>: AsyncSequence where Base.Element == ByteBuffer {
    public typealias Element = String
    let base: Base
    let limit: Int

    public init(_ base: Base, limit: Int = 64 << 10) {
        self.base = base
        self.limit = limit
    }

    public struct LineTooLong: Error {}

    public struct AsyncIterator: AsyncIteratorProtocol {
        var upstream: Base.AsyncIterator
        var pending: [UInt8] = []
        let limit: Int

        public mutating func next() async throws -> String? {
            while true {
                if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    var line = Array(pending[..<newline])
                    pending.removeSubrange(...newline)
                    if line.last == UInt8(ascii: "\r") { line.removeLast() }
                    return String(decoding: line, as: UTF8.self)
                }
                guard pending.count <= limit else { throw LineTooLong() }
                guard let buffer = try await upstream.next() else {
                    guard !pending.isEmpty else { return nil }
                    defer { pending = [] }
                    return String(decoding: pending, as: UTF8.self)
                }
                pending.append(contentsOf: buffer.readableBytesView)
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(upstream: base.makeAsyncIterator(), limit: limit) }
}
