import Domain
import Foundation
import Testing

@Suite("E-mail format")
struct MailFormatTests {
    static func decodedSubject(_ message: String) -> String? {
        guard let line = message.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("Subject: =?UTF-8?B?") }) else { return nil }
        let encoded = line.dropFirst("Subject: =?UTF-8?B?".count).dropLast(2)
        return Data(base64Encoded: String(encoded)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("a subject cannot add a header, and non-ASCII text survives")
    func noHeaderInjection() throws {
        let message = try #require(MailFormat.message(
            from: "Desk <desk@example.com>", to: "ana@example.com", subject: "Hello\r\nBcc: victim@example.com 請求書",
            body: "Línea 1\nLine 2", date: Date(timeIntervalSince1970: 0), messageID: "1@example.com"))
        let headers = message.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(!headers.contains { $0.hasPrefix("Bcc") })
        #expect(headers.allSatisfy { $0.allSatisfy(\.isASCII) })
        #expect(Self.decodedSubject(message) == "Hello Bcc: victim@example.com 請求書")
        #expect(headers.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        let body = message.components(separatedBy: "\r\n\r\n")[1].replacingOccurrences(of: "\r\n", with: "")
        #expect(Data(base64Encoded: body).map { String(decoding: $0, as: UTF8.self) } == "Línea 1\r\nLine 2")
    }

    @Test("only plain addresses are written", arguments: [
        ("ana@example.com", true), ("ana+tag@example.co.jp", true), ("ana@localhost", false), ("ana", false),
        ("ana@exa mple.com", false), ("ana@example.com>\r\nBcc: x@y.z", false), ("<ana@example.com>", false), ("a@b@c.com", false),
    ])
    func addresses(address: String, valid: Bool) {
        #expect(MailFormat.isAddress(address) == valid)
        #expect((MailFormat.message(from: "d@example.com", to: address, subject: "s", body: "b", date: .now, messageID: "x") != nil) == valid)
    }

    @Test("each kind of notification says what happened, naming the request")
    func texts() {
        let assigned = MailFormat.notification(kind: "assigned", requestNumber: 7, summary: "VPN down", detail: nil, recipientName: "Eve")
        #expect(assigned.subject == "Assigned to you: #7 VPN down")
        let released = MailFormat.notification(
            kind: "assigned", requestNumber: 7, summary: "VPN down", detail: "released: back in its queue", recipientName: "Eve")
        #expect(released.subject == "No longer yours: #7 VPN down")
        #expect(released.body.contains("Request #7 VPN down was released from you and is back in its queue."))
        #expect(assigned.body.hasPrefix("Hello Eve,"))
        let reminder = MailFormat.notification(
            kind: "delegation_expiring", requestNumber: nil, summary: "Fabrikam", detail: "the partner relationship ends in 7 days",
            recipientName: "Tara")
        #expect(reminder.subject == "Partner relationship with Fabrikam ends soon")
        #expect(reminder.body.contains("ends in 7 days"))
        let long = MailFormat.notification(kind: "message", requestNumber: 1, summary: String(repeating: "x", count: 500), detail: nil,
                                           recipientName: "A")
        #expect(long.subject.count <= 200)
    }
}
