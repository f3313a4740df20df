/// NUL characters in what a client sends. PostgreSQL cannot store U+0000 in text, so no field of
/// the API can hold one; the gateway refuses a body or query string carrying one (422) before
/// any service sees it.
public enum NULText {
    private static let backslash = UInt8(ascii: "\\")

    /// Whether JSON text `bytes` has a string holding U+0000, which JSON can only write as the
    /// escape `\u0000` (a raw NUL byte is not valid JSON and fails to parse anyway). An escaped
    /// backslash followed by `u0000` is text, not the escape: the backslashes before the `u`
    /// must be odd in number.
    public static func inJSON(_ bytes: some Collection<UInt8>) -> Bool {
        let escape = Array("u0000".utf8)
        var backslashes = 0
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == backslash {
                backslashes += 1
            } else {
                if byte == escape[0], backslashes % 2 == 1, bytes[index...].starts(with: escape) { return true }
                backslashes = 0
            }
            index = bytes.index(after: index)
        }
        return false
    }

    /// Whether a URL's query (percent-encoded) holds a NUL: `%00`.
    public static func inQuery(_ query: some StringProtocol) -> Bool {
        var bytes = query.utf8.makeIterator()
        var state = 0  // 1: after `%`, 2: after `%0`
        while let byte = bytes.next() {
            switch (state, byte) {
            case (_, UInt8(ascii: "%")): state = 1
            case (1, UInt8(ascii: "0")): state = 2
            case (2, UInt8(ascii: "0")): return true
            default: state = 0
            }
        }
        return false
    }
}
