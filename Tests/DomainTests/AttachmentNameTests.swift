import Domain
import Testing

@Suite("Attachment names")
struct AttachmentNameTests {
    static func kind(_ bytes: [UInt8]) throws -> AttachmentSniffer.Kind {
        try AttachmentSniffer.sniff(bytes).get()
    }

    @Test("a name keeps an extension that fits its content and gets the content's otherwise")
    func extensions() throws {
        let text = try Self.kind(Array("hello\n".utf8))
        #expect(AttachmentSniffer.storedName("esp.log", kind: text) == "esp.log")
        #expect(AttachmentSniffer.storedName("fix.bat", kind: text) == "fix.bat.txt")
        #expect(AttachmentSniffer.storedName("run.ps1", kind: text) == "run.ps1.txt")
        #expect(AttachmentSniffer.storedName("README", kind: text) == "README.txt")
        let zip = try Self.kind([0x50, 0x4B, 0x03, 0x04, 20, 0])
        #expect(AttachmentSniffer.storedName("report.DOCX", kind: zip) == "report.DOCX")
        #expect(AttachmentSniffer.storedName("tool.jar", kind: zip) == "tool.jar.zip")
        #expect(AttachmentSniffer.storedName("macro.docm", kind: zip) == "macro.docm.zip")
        let png = try Self.kind([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(AttachmentSniffer.storedName("shot.png", kind: png) == "shot.png")
        #expect(AttachmentSniffer.storedName("shot.exe", kind: png) == "shot.exe.png")
        #expect(AttachmentSniffer.storedName(String(repeating: "a", count: 254), kind: png).utf8.count <= 255)
    }

    @Test("bidirectional controls cannot disguise an extension")
    func bidi() {
        // "invoice\u{202E}fdp.exe" displays as "invoiceexe.pdf".
        #expect(AttachmentSniffer.safeFileName("invoice\u{202E}fdp.exe") == "invoicefdp.exe")
        #expect(AttachmentSniffer.safeFileName("a\u{2066}b\u{2069}.txt") == "ab.txt")
    }
}
