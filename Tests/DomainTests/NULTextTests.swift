import Domain
import Testing

@Suite("NUL characters and control characters in client text")
struct NULTextTests {
    @Test("JSON: the escape \\u0000 is a NUL, an escaped backslash before u0000 is text")
    func json() {
        #expect(NULText.inJSON(Array(#"{"a":"x\u0000y"}"#.utf8)))
        #expect(NULText.inJSON(Array(#"{"a\u0000":1}"#.utf8)))
        #expect(NULText.inJSON(Array(#"{"a":"\\\u0000"}"#.utf8)))  // an escaped backslash, then the escape
        #expect(!NULText.inJSON(Array(#"{"a":"\\u0000"}"#.utf8)))  // a backslash, then the text u0000
        #expect(NULText.inJSON(Array(#"{"a":"\u0001 \u00001"}"#.utf8)))  // the escape, then the digit 1
        #expect(!NULText.inJSON(Array(#"{"a":"\u0041","b":"u0000"}"#.utf8)))
        #expect(!NULText.inJSON(Array(#"{"a":"日本語"}"#.utf8)))
        #expect(!NULText.inJSON([UInt8]()))
    }

    @Test("a query: %00 anywhere is a NUL, other escapes are not")
    func query() {
        #expect(NULText.inQuery("action=%00"))
        #expect(NULText.inQuery("q=a%00b&x=1"))
        #expect(NULText.inQuery("q=%%00"))
        #expect(!NULText.inQuery("q=%200&n=100"))
        #expect(!NULText.inQuery("q=%E6%97%A5&limit=00"))
        #expect(!NULText.inQuery(""))
    }

    @Test("control characters: C0 and C1 refused, tab allowed, line breaks only in multi-line text")
    func controls() {
        #expect(Validation.hasControlCharacters("bell\u{07}"))
        #expect(Validation.hasControlCharacters("esc\u{1B}[31m"))
        #expect(Validation.hasControlCharacters("c1\u{85}"))
        #expect(Validation.hasControlCharacters("del\u{7F}"))
        #expect(!Validation.hasControlCharacters("tab\there"))
        #expect(Validation.hasControlCharacters("two\nlines"))
        #expect(!Validation.hasControlCharacters("two\r\nlines", multiline: true))
        #expect(!Validation.hasControlCharacters("Ünïcode 日本語 ✓"))
    }
}
