/// A small list of the most common passwords of at least the minimum length, compared case
/// insensitively. It catches the worst choices without shipping a breach corpus.
enum CommonPasswords {
    static func contains(_ password: String) -> Bool {
        list.contains(password.lowercased())
    }

    private static let list: Set<String> = [
        "123456789012", "1234567890123", "12345678901234", "password1234", "password12345",
        "passwordpassword", "qwertyuiop123", "qwertyuiopasdf", "iloveyou1234", "administrator",
        "administrator1", "letmein12345", "welcome12345", "changeme1234", "trustno1trustno1",
        "abcdefghijkl", "abc123abc123", "111111111111", "000000000000", "qwerty123456",
        "1q2w3e4r5t6y", "1qaz2wsx3edc", "zaq12wsxcde3", "superman1234", "football1234",
        "baseball1234", "monkey123456", "dragon123456", "sunshine1234", "princess1234",
        "password123!", "p@ssw0rd1234", "passw0rd1234", "correcthorsebatterystaple",
    ]
}
