import Domain
import Testing

@Suite("Attachment sniffing")
struct AttachmentSnifferTests {
    static func type(_ bytes: [UInt8]) -> String? {
        if case .success(let kind) = AttachmentSniffer.sniff(bytes) { return kind.mediaType }
        return nil
    }

    @Test("allowed types are recognised by their bytes")
    func allowed() {
        #expect(Self.type([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == "image/png")
        #expect(Self.type([0xFF, 0xD8, 0xFF, 0xE0]) == "image/jpeg")
        #expect(Self.type(Array("GIF89a...".utf8)) == "image/gif")
        #expect(Self.type(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == "image/webp")
        #expect(Self.type(Array("%PDF-1.7\n".utf8)) == "application/pdf")
        #expect(Self.type([0x50, 0x4B, 0x03, 0x04, 20, 0]) == "application/zip")
        #expect(Self.type([0x1F, 0x8B, 8, 0]) == "application/gzip")
        #expect(Self.type(Array("MSCF\u{0}\u{0}".utf8)) == "application/vnd.ms-cab-compressed")
        #expect(Self.type(Array("ElfFile".utf8) + [0, 1]) == "application/x-ms-evtx")
        #expect(Self.type(Array("2026-11-26 12:00 ESP\tstarted\r\n日本語のログ\n".utf8)) == "text/plain; charset=utf-8")
        #expect(Self.type([0xEF, 0xBB, 0xBF] + Array("a,b\n".utf8)) == "text/plain; charset=utf-8")
    }

    @Test("executables and scripts are refused, as is anything unknown or empty")
    func refused() {
        #expect(AttachmentSniffer.sniff(Array("MZ\u{90}\u{0}".utf8)) == .failure(.executable("Windows executable")))
        #expect(AttachmentSniffer.sniff([0x7F, 0x45, 0x4C, 0x46]) == .failure(.executable("ELF executable")))
        #expect(AttachmentSniffer.sniff([0xCF, 0xFA, 0xED, 0xFE]) == .failure(.executable("Mach-O or Java class")))
        #expect(AttachmentSniffer.sniff([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
            == .failure(.executable("Installer (MSI) or legacy Office compound")))
        #expect(AttachmentSniffer.sniff(Array("#!/bin/bash\n".utf8)) == .failure(.executable("Script")))
        #expect(AttachmentSniffer.sniff([0x00, 0x00, 0x01, 0x00]) == .failure(.notAllowed))
        #expect(AttachmentSniffer.sniff(Array("text with a NUL\u{0}".utf8)) == .failure(.notAllowed))
        #expect(AttachmentSniffer.sniff([0xC3, 0x28]) == .failure(.notAllowed))  // not UTF-8
        #expect(AttachmentSniffer.sniff([UInt8]()) == .failure(.empty))
    }

    @Test("file names keep their last component, lose control characters and quotes, and fit 255 bytes")
    func fileNames() {
        #expect(AttachmentSniffer.safeFileName("../../etc/passwd") == "passwd")
        #expect(AttachmentSniffer.safeFileName("C:\\Users\\ops\\ESP log.txt") == "ESP log.txt")
        #expect(AttachmentSniffer.safeFileName("a\"b\u{0}\u{7}c.png") == "abc.png")
        #expect(AttachmentSniffer.safeFileName("  画面.png ") == "画面.png")
        #expect(AttachmentSniffer.safeFileName("..") == nil)
        #expect(AttachmentSniffer.safeFileName("/") == nil)
        #expect((AttachmentSniffer.safeFileName(String(repeating: "é", count: 300)) ?? "").utf8.count <= 255)
    }
}
