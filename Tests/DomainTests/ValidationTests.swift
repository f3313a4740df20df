import Domain
import Testing

@Suite("Input validation")
struct ValidationTests {
    @Test("emails are trimmed and lower-cased; implausible ones are refused")
    func emails() {
        #expect(Validation.normalizedEmail("  Ops@Example.COM ") == "ops@example.com")
        for bad in ["", "no-at", "a@b", "a@.b.c", "a b@c.d", "@c.d", "a@c.d.", "a\u{0}@c.d", "a@c\u{7}.d", "a\tb@c.d"] {
            #expect(Validation.normalizedEmail(bad) == nil, "\(bad)")
        }
    }

    @Test("passwords: minimum length, bcrypt's 72-byte limit, and the common ones are refused")
    func passwords() {
        #expect(Validation.passwordProblem("short") != nil)
        #expect(Validation.passwordProblem(String(repeating: "é", count: 40)) != nil)
        #expect(Validation.passwordProblem("Password1234") != nil)
        #expect(Validation.passwordProblem("a-reasonable-passphrase") == nil)
        #expect(Validation.passwordProblem("a-reasonable\u{0}passphrase") != nil)
    }

    @Test("country codes are the ones ISO 3166-1 assigns (and XK), upper-cased")
    func countries() {
        #expect(Validation.countryCode("jp") == "JP")
        #expect(Validation.countryCode("gb") == "GB")
        #expect(Validation.countryCode("XK") == "XK")
        for bad in ["JPN", "J", "1A", "ÄB", "", "ZZ", "AA", "QM", "XX", "AN", "YU", "UK", "EU"] { #expect(Validation.countryCode(bad) == nil, "\(bad)") }
    }
}
