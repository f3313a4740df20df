import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads a password from a file, an environment variable (`TD_BOOTSTRAP_PASSWORD` unless told
/// otherwise), or a terminal prompt without echo.
enum PasswordSource {
    static func read(file: String?, variable: String = "TD_BOOTSTRAP_PASSWORD") throws -> String {
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ValidationError("cannot read the password file \(file)")
            }
            return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        }
        if let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty {
            return value
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw ValidationError("no password: set \(variable), pass --password-file, or run in a terminal")
        }
        let first = prompt("Password: ")
        let second = prompt("Repeat password: ")
        guard first == second else { throw ValidationError("the passwords differ") }
        return first
    }

    private static func prompt(_ text: String) -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
