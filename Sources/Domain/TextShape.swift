/// Shapes of short identifiers, checked byte by byte: a Swift regex literal is parsed again
/// each time it is used, which cost the worker about 5 % of its CPU when filing a request.
/// Every allowed character is ASCII, so anything else fails.
public enum TextShape {
    /// `[a-z0-9-]{1,64}`: a catalogue code (category, feature, symptom).
    public static func isCatalogueCode(_ value: String) -> Bool {
        let bytes = value.utf8
        return (1...64).contains(bytes.count) && bytes.allSatisfy { isLower($0) || isDigit($0) || $0 == dash }
    }

    /// `[a-z]{2,3}(-[a-z0-9]{2,8})*`: a lower-case language tag (`en`, `ja`, `zh-hans`).
    public static func isLanguageTag(_ value: String) -> Bool {
        var parts = value.utf8.split(separator: dash, omittingEmptySubsequences: false).makeIterator()
        guard let primary = parts.next(), (2...3).contains(primary.count), primary.allSatisfy(isLower) else { return false }
        while let subtag = parts.next() {
            guard (2...8).contains(subtag.count), subtag.allSatisfy({ isLower($0) || isDigit($0) }) else { return false }
        }
        return true
    }

    /// `\+?[0-9][0-9 ()\-.]{5,38}`: a phone number as people write it (`+81 3 1234 5678`).
    public static func isPhoneNumber(_ value: String) -> Bool {
        var bytes = Substring(value).utf8
        if bytes.first == plus { bytes = bytes.dropFirst() }
        guard let first = bytes.first, isDigit(first) else { return false }
        let rest = bytes.dropFirst()
        return (5...38).contains(rest.count) && rest.allSatisfy { isDigit($0) || phonePunctuation.contains($0) }
    }

    /// `KB[0-9]{4,8}`: a knowledge-base article id.
    public static func isArticleID(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        return bytes.count >= 6 && bytes.count <= 10 && bytes[0] == UInt8(ascii: "K") && bytes[1] == UInt8(ascii: "B")
            && bytes[2...].allSatisfy(isDigit)
    }

    private static let dash = UInt8(ascii: "-")
    private static let plus = UInt8(ascii: "+")
    /// Space, parentheses, dash and dot.
    private static let phonePunctuation: [UInt8] = [0x20, 0x28, 0x29, 0x2D, 0x2E]
    private static func isLower(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
}
