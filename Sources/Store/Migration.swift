import Crypto
import Foundation

/// One forward-only schema change: a file `NNNN_name.sql` of `sql/`.
public struct Migration: Sendable, Equatable {
    /// The number that orders it.
    public var version: Int
    /// The file name without number and extension.
    public var name: String
    /// The SQL text.
    public var sql: String
    /// SHA-256 of the file, hex. An applied migration whose file changed is refused.
    public var checksum: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Loads the migrations of `directory`, ordered by version.
    public static func load(from directory: URL) throws(MigrationError) -> [Migration] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .unreadableDirectory(directory.path)
        }
        var migrations: [Migration] = []
        for file in files where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]),
                  stem[..<underscore].count == 4
            else { throw .badFileName(file) }
            guard let sql = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else {
                throw .unreadableDirectory(directory.appendingPathComponent(file).path)
            }
            if migrations.contains(where: { $0.version == version }) { throw .duplicateVersion(version) }
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        return migrations.sorted { $0.version < $1.version }
    }
}

/// Why migrating failed.
public enum MigrationError: Error, Equatable, CustomStringConvertible {
    case unreadableDirectory(String)
    case badFileName(String)
    case duplicateVersion(Int)
    /// An applied migration's file no longer matches what was applied.
    case checksumMismatch(version: Int, name: String)
    /// A statement of a migration failed; nothing of that migration was kept.
    case failed(version: Int, name: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableDirectory(let path): return "cannot read migrations at \(path)"
        case .badFileName(let file): return "migration file \(file) is not named NNNN_name.sql"
        case .duplicateVersion(let version): return "two migration files have number \(version)"
        case .checksumMismatch(let version, let name):
            return "migration \(version) (\(name)) was changed after it was applied; write a new migration instead"
        case .failed(let version, let name, let reason): return "migration \(version) (\(name)) failed: \(reason)"
        }
    }
}
