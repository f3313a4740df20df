/// Input rules shared by the gateway, the services and the admin CLI.
public enum Validation {
    /// Lower-cases and trims an email address; `nil` when it is not a plausible address
    /// (one `@`, a dot in the domain, no spaces, at most 254 characters).
    public static func normalizedEmail(_ raw: String) -> String? {
        let email = raw.trimmingWhitespace().lowercased()
        guard email.count <= 254,
              !email.unicodeScalars.contains(where: { $0 == " " || $0.properties.generalCategory == .control })
        else { return nil }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return nil }
        return email
    }

    /// Minimum password length for administrators.
    public static let minimumPasswordLength = 12
    /// Maximum password length: bcrypt reads 72 bytes at most.
    public static let maximumPasswordBytes = 72

    /// Why a new password is not acceptable, or `nil` when it is.
    public static func passwordProblem(_ password: String) -> String? {
        if password.count < minimumPasswordLength {
            return "a password needs at least \(minimumPasswordLength) characters"
        }
        if password.utf8.contains(0) {
            return "a password cannot contain a NUL character"
        }
        if password.utf8.count > maximumPasswordBytes {
            return "a password can have at most \(maximumPasswordBytes) bytes"
        }
        if CommonPasswords.contains(password) {
            return "this password is among the most common ones; choose another"
        }
        return nil
    }

    /// Whether `text` holds a control character (C0 or C1) other than tab, and other than line
    /// breaks when `multiline`: names and single-line texts refuse them.
    public static func hasControlCharacters(_ text: String, multiline: Bool = false) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x09: false
            case 0x0A, 0x0D: !multiline
            case 0..<0x20, 0x7F...0x9F: true
            default: false
            }
        }
    }

    /// An ISO 3166-1 alpha-2 code in upper case (`jp` → `JP`), or `nil` when `raw` is not a
    /// country's code (`ZZ`, `JPN`, `1A`); see `CountryCodes`.
    public static func countryCode(_ raw: String) -> String? {
        let code = raw.uppercased()
        guard code.utf8.count == 2, CountryCodes.assigned.contains(code) else { return nil }
        return code
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
