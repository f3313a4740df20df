import Foundation

/// E-mail notifications as text: what a notification says, and the message (RFC 5322, MIME)
/// that carries it. Pure, so that header injection and encoding are tested on their own.
public enum MailFormat {
    /// The detail of an `assigned` notification that tells an engineer a request was released
    /// from them (a manager gave it back to its queue).
    public static let releasedDetail = "released: back in its queue"

    /// The subject and body of a notification.
    public static func notification(
        kind: String, requestNumber: Int?, summary: String?, detail: String?, recipientName: String
    ) -> (subject: String, body: String) {
        let subject: String
        let what: String
        let reference = requestNumber.map { "#\($0)" } ?? "a request"
        let titled = summary.map { "\(reference) \($0)" } ?? reference
        switch kind {
        case "message": (subject, what) = ("New message on \(titled)", "There is a new message on request \(titled).")
        case "status_changed":
            (subject, what) = ("\(titled): \(detail ?? "status changed")", "Request \(titled) changed: \(detail ?? "its status changed").")
        case "assigned" where detail == releasedDetail:
            (subject, what) = ("No longer yours: \(titled)", "Request \(titled) was released from you and is back in its queue.")
        case "assigned": (subject, what) = ("Assigned to you: \(titled)", "Request \(titled) was assigned to you.")
        case "survey_requested":
            (subject, what) = ("How was the help with \(titled)?", "Request \(titled) was resolved. Please rate the help you got.")
        case "sla_breached":
            (subject, what) = ("First response overdue: \(titled)", "The first response to request \(titled) is overdue (\(detail ?? "")).")
        case "delegation_expiring":
            let other = summary ?? "a partner relationship"
            (subject, what) = ("Partner relationship with \(other) ends soon", "Your partner relationship with \(other): \(detail ?? "ends soon").")
        default: (subject, what) = ("Update on \(titled)", "Request \(titled) was updated.")
        }
        let body = """
            Hello \(recipientName),

            \(what)

            Sign in to TenantDesk to see it. You get this e-mail because of your role on it; the same
            notice is in your notification feed.
            """
        return (oneLine(subject, max: 200), body)
    }

    /// The whole message: headers, then the text as base64 UTF-8. The subject is an encoded
    /// word and addresses are checked, so no value can add a header.
    public static func message(
        from: String, to: String, subject: String, body: String, date: Date, messageID: String
    ) -> String? {
        guard isAddress(to), !from.contains("\r"), !from.contains("\n") else { return nil }
        let encodedSubject = "=?UTF-8?B?" + Data(oneLine(subject, max: 200).utf8).base64EncodedString() + "?="
        let text = Data(body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return [
            "From: \(from)",
            "To: <\(to)>",
            "Subject: \(encodedSubject)",
            "Date: \(rfc5322(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "Auto-Submitted: auto-generated",
            "",
            text,
        ].joined(separator: "\r\n") + "\r\n"
    }

    /// A plain `local@domain` address without spaces, brackets or line breaks.
    public static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), text.count <= 254 else { return false }
        return text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7f && !"<>()[]\\,;:\"".unicodeScalars.contains($0) }
    }

    static func oneLine(_ text: String, max: Int) -> String {
        String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 }.prefix(max)).trimmingCharacters(in: .whitespaces)
    }

    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
