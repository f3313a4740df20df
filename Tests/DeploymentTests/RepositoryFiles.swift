import Foundation

/// Reads files of this repository, located from this source file's path.
enum RepositoryFiles {
    struct NotFound: Error, CustomStringConvertible {
        let description: String
    }

    /// The folder holding Package.swift, found by walking up from `filePath`.
    static func root(filePath: String = #filePath) throws -> URL {
        var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        // Bounded, so a walk past "/" cannot loop.
        for _ in 0..<32 {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory = directory.deletingLastPathComponent()
        }
        throw NotFound(description: "no Package.swift in any folder above \(filePath)")
    }

    static func exists(_ relativePath: String) throws -> Bool {
        let url = try Self.root().appendingPathComponent(relativePath)
        return FileManager.default.fileExists(atPath: url.path)
    }

    /// The text of `relativePath` (relative to the repository root).
    static func read(_ relativePath: String) throws -> String {
        let rootURL = try Self.root()
        let url = rootURL.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw NotFound(description: "\(relativePath) does not exist under the repository root \(rootURL.path)")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
