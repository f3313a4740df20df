import Domain
import Foundation
import Testing

/// The API's timestamps: the same text as Foundation's ISO 8601 formatter, read back exactly.
@Suite("Internet dates")
struct InternetDateTests {
    @Test("written as Foundation writes them, for dates across four centuries")
    func formatMatchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let date = Date(timeIntervalSince1970: Double.random(in: -2_208_988_800 ... 10_000_000_000, using: &generator))
            #expect(InternetDate.format(date) == date.ISO8601Format())
        }
        #expect(InternetDate.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(InternetDate.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59Z")
        #expect(InternetDate.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }

    @Test("appended to bytes already written, as format writes it, years outside 0001–9999 included")
    func append() {
        var generator = SystemRandomNumberGenerator()
        var dates = (0..<1000).map { _ in
            Date(timeIntervalSince1970: Double.random(in: -2_208_988_800 ... 10_000_000_000, using: &generator))
        }
        dates += [Date(timeIntervalSince1970: -62_198_755_200), Date(timeIntervalSince1970: 253_402_300_800)]
        for date in dates {
            var bytes = Array("{\"at\":\"".utf8)
            InternetDate.append(date, to: &bytes)
            #expect(bytes == Array(("{\"at\":\"" + date.ISO8601Format()).utf8))
        }
    }

    @Test("read back to the second; fractions and offsets are honoured")
    func parse() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: -2_208_988_800 ... 10_000_000_000, using: &generator)))
            #expect(InternetDate.parse(InternetDate.format(date)) == date)
        }
        #expect(InternetDate.parse("2026-11-26T10:19:15+01:00") == InternetDate.parse("2026-11-26T09:19:15Z"))
        #expect(InternetDate.parse("2026-11-26T04:49:15-04:30") == InternetDate.parse("2026-11-26T09:19:15Z"))
        let fractional = try #require(InternetDate.parse("2026-11-26T09:19:15.25Z"))
        let whole = try #require(InternetDate.parse("2026-11-26T09:19:15Z"))
        #expect(fractional.timeIntervalSince(whole) == 0.25)
    }

    @Test("anything else is refused", arguments: [
        "", "2026-11-26", "2026-11-26T09:19:15", "2026-11-26 09:19:15Z", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2026-11-31T00:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26T09:60:00Z", "2026-11-26T09:19:60Z", "2026-11-26T09:19:15.Z",
        "2026-11-26T09:19:15+0100", "2026-11-26T09:19:15Zjunk", "２０２６-11-26T09:19:15Z", "2026-11-26T09:19:1aZ",
    ])
    func refused(_ text: String) {
        #expect(InternetDate.parse(text) == nil)
    }
}
