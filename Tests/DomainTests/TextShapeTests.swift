import Domain
import Testing

/// The byte-wise shape checks agree with the regular expressions they replace, on edge cases and
/// on random strings built from the characters that matter (and a few that must fail).
@Suite("Text shapes")
struct TextShapeTests {
    /// A random string of up to `maxLength` characters, mostly from `good`, sometimes from `bad`.
    static func random(_ good: [Character], _ bad: [Character], maxLength: Int, using generator: inout SystemRandomNumberGenerator) -> String {
        String((0..<Int.random(in: 0...maxLength, using: &generator)).map { _ in
            (Int.random(in: 0..<20, using: &generator) == 0 ? bad : good).randomElement(using: &generator) ?? "a"
        })
    }

    static let bad: [Character] = Array("A_é\u{301}\t\n/") + ["\r\n", "日"]

    /// Each check, its regular expression, the characters it allows and the longest string to try.
    static let checks: [(name: String, shape: @Sendable (String) -> Bool, regex: @Sendable (String) -> Bool, good: [Character], max: Int)] = [
        ("catalogue code", TextShape.isCatalogueCode, { $0.wholeMatch(of: /[a-z0-9-]{1,64}/) != nil }, Array("az09-"), 70),
        ("language tag", TextShape.isLanguageTag, { $0.wholeMatch(of: /[a-z]{2,3}(-[a-z0-9]{2,8})*/) != nil }, Array("abz09--"), 14),
        ("phone number", TextShape.isPhoneNumber, { $0.wholeMatch(of: /\+?[0-9][0-9 ()\-.]{5,38}/) != nil }, Array("+0189 ()-."), 44),
        ("article id", TextShape.isArticleID, { $0.wholeMatch(of: /KB[0-9]{4,8}/) != nil }, Array("KB0918"), 11),
    ]

    @Test("each check matches its regular expression on 10,000 random strings")
    func agreesWithRegex() {
        var generator = SystemRandomNumberGenerator()
        for check in Self.checks {
            var answers: Set<Bool> = []
            for _ in 0..<10_000 {
                let value = Self.random(check.good, Self.bad, maxLength: check.max, using: &generator)
                let expected = check.regex(value)
                #expect(check.shape(value) == expected, "\(check.name) of \(value.debugDescription)")
                answers.insert(expected)
            }
            #expect(answers == [true, false], "\(check.name): the random strings reach both answers")
        }
    }

    @Test("edge cases")
    func edges() {
        #expect(TextShape.isCatalogueCode("windows-autopilot"))
        #expect(TextShape.isCatalogueCode(String(repeating: "a", count: 64)))
        #expect(!TextShape.isCatalogueCode(String(repeating: "a", count: 65)))
        #expect(!TextShape.isCatalogueCode(""))
        #expect(!TextShape.isCatalogueCode("Billing"))
        #expect(TextShape.isLanguageTag("en") && TextShape.isLanguageTag("zh-hans") && TextShape.isLanguageTag("sr-latn-rs"))
        #expect(!TextShape.isLanguageTag("e") && !TextShape.isLanguageTag("engl") && !TextShape.isLanguageTag("en-"))
        #expect(!TextShape.isLanguageTag("en-a") && !TextShape.isLanguageTag("en-abcdefghi") && !TextShape.isLanguageTag("-en"))
        #expect(TextShape.isPhoneNumber("+81 3 1234 5678") && TextShape.isPhoneNumber("030 (1234) 56.7-8"))
        #expect(!TextShape.isPhoneNumber("+ 81 3 1234") && !TextShape.isPhoneNumber("12345") && !TextShape.isPhoneNumber("++8112345678"))
        #expect(TextShape.isPhoneNumber("1" + String(repeating: "2", count: 38)))
        #expect(!TextShape.isPhoneNumber("1" + String(repeating: "2", count: 39)))
        #expect(TextShape.isArticleID("KB1234") && TextShape.isArticleID("KB12345678"))
        #expect(!TextShape.isArticleID("KB123") && !TextShape.isArticleID("KB123456789") && !TextShape.isArticleID("kb1234"))
    }
}
