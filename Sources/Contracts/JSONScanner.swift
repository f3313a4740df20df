import Domain
import Foundation

/// Reads JSON values of known shape straight from bytes, for the few request bodies that are
/// hot (`ReadsOwnJSON`). Anything it does not expect (a member it does not know or a missing
/// one, a number with a fraction, invalid UTF-8, a malformed document) is an error; the caller
/// then reads the body with `JSONDecoder`, so what is accepted and how a bad body is reported do
/// not change.
struct JSONScanner {
    struct Unexpected: Error {}

    private let bytes: [UInt8]
    private var at = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads one object, calling `member` with each member's name; `member` reads its value, or
    /// throws for a member it does not know.
    mutating func object(_ member: (inout JSONScanner, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") {
            at += 1
            return
        }
        while true {
            let name = try string()
            try expect(UInt8(ascii: ":"))
            try member(&self, name)
            let next = try take()
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw Unexpected() }
        }
    }

    /// Reads one array, calling `element` for each of its values.
    mutating func array(_ element: (inout JSONScanner) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            at += 1
            return
        }
        while true {
            try element(&self)
            let next = try take()
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw Unexpected() }
        }
    }

    /// Whether the next value is `null` (which is then consumed).
    mutating func null() throws -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    mutating func bool() throws -> Bool {
        if try peek() == UInt8(ascii: "t") {
            try literal("true")
            return true
        }
        try literal("false")
        return false
    }

    /// An integer without fraction or exponent.
    mutating func int() throws -> Int {
        _ = try peek()
        var negative = false
        if bytes[at] == UInt8(ascii: "-") {
            negative = true
            at += 1
        }
        var value = 0
        var digits = 0
        while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") {
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(Int(bytes[at] - UInt8(ascii: "0")))
            guard !overflowTimes, !overflowSum else { throw Unexpected() }
            value = sum
            digits += 1
            at += 1
        }
        guard digits > 0, digits == 1 || bytes[at - digits] != UInt8(ascii: "0") else { throw Unexpected() }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") || bytes[at] | 0x20 == UInt8(ascii: "e") { throw Unexpected() }
        return negative ? -value : value
    }

    /// A string, its escapes resolved; invalid UTF-8 is an error, as for `JSONDecoder`.
    mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        var text: [UInt8] = []
        var start = at
        while true {
            guard at < bytes.count else { throw Unexpected() }
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") { break }
            guard byte >= 0x20 else { throw Unexpected() }
            if byte == UInt8(ascii: "\\") {
                text.append(contentsOf: bytes[start..<at])
                at += 1
                try unescape(into: &text)
                start = at
            } else {
                at += 1
            }
        }
        text.append(contentsOf: bytes[start..<at])
        at += 1
        guard let string = String(validating: text, as: UTF8.self) else { throw Unexpected() }
        return string
    }

    /// A string, or nil for `null`.
    mutating func optionalString() throws -> String? {
        try null() ? nil : string()
    }

    /// A string that is one of `T`'s raw values.
    mutating func enumeration<T: RawRepresentable>(_ type: T.Type) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: try string()) else { throw Unexpected() }
        return value
    }

    /// The elements of an array.
    mutating func values<T>(_ element: (inout JSONScanner) throws -> T) throws -> [T] {
        var values: [T] = []
        try array { values.append(try element(&$0)) }
        return values
    }

    /// An RFC 3339 timestamp, as `JSONDecoder.DateDecodingStrategy.internetDate` reads it.
    mutating func date() throws -> Date {
        guard let date = InternetDate.parse(try string()) else { throw Unexpected() }
        return date
    }

    /// The end of the document: nothing but whitespace may follow.
    mutating func end() throws {
        skipWhitespace()
        guard at == bytes.count else { throw Unexpected() }
    }

    private mutating func unescape(into text: inout [UInt8]) throws {
        let byte = try take(skippingWhitespace: false)
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(byte)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by its low one.
                guard try take(skippingWhitespace: false) == UInt8(ascii: "\\"), try take(skippingWhitespace: false) == UInt8(ascii: "u")
                else { throw Unexpected() }
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw Unexpected() }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw Unexpected() }
            text.append(contentsOf: String(Character(unicode)).utf8)
        default:
            throw Unexpected()
        }
    }

    private mutating func hex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = try take(skippingWhitespace: false)
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Unexpected()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func literal(_ word: StaticString) throws {
        _ = try peek()
        let count = word.utf8CodeUnitCount
        guard at + count <= bytes.count else { throw Unexpected() }
        for index in 0..<count where bytes[at + index] != word.utf8Start[index] { throw Unexpected() }
        at += count
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard try take() == byte else { throw Unexpected() }
    }

    /// The next byte after whitespace, not consumed.
    private mutating func peek() throws -> UInt8 {
        skipWhitespace()
        guard at < bytes.count else { throw Unexpected() }
        return bytes[at]
    }

    private mutating func take(skippingWhitespace: Bool = true) throws -> UInt8 {
        if skippingWhitespace { skipWhitespace() }
        guard at < bytes.count else { throw Unexpected() }
        defer { at += 1 }
        return bytes[at]
    }

    private mutating func skipWhitespace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }
}
