import Crypto
import Foundation
import Logging
import PostgresNIO
import Store
import Tokens

/// Loads the signing keys from PostgreSQL, creating the first one when there is none. Every copy
/// of the role service signs with the same newest key, so any copy's tokens verify everywhere.
public struct SigningKeyRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The unretired keys, newest first; creates one when none exists.
    public func activeKeys() async throws -> [SigningKey] {
        let keys = try await load()
        guard keys.isEmpty else { return keys }
        // Copies starting together must agree on one first key: the lock makes the others wait
        // and find the first one's key instead of creating their own.
        let logger = database.logger
        try await database.withTransaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Int64(0x6B65_7973)))", logger: logger)
            let existing = try await connection.query("SELECT 1 FROM signing_keys WHERE retired_at IS NULL", logger: logger).collect()
            guard existing.isEmpty else { return }
            let key = SigningKey()
            try await connection.query("""
                INSERT INTO signing_keys (kid, private_key, public_key)
                VALUES (\(key.kid), \(Data(key.privateKey.rawRepresentation)), \(Data(key.privateKey.publicKey.rawRepresentation)))
                """, logger: logger)
            logger.info("created a signing key", metadata: ["kid": "\(key.kid)"])
        }
        return try await load()
    }

    private func load() async throws -> [SigningKey] {
        var keys: [SigningKey] = []
        let rows = try await database.client.query(
            "SELECT kid, private_key FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid",
            logger: database.logger)
        for try await (kid, raw) in rows.decode((String, Data).self) {
            keys.append(try SigningKey(kid: kid, rawPrivateKey: raw))
        }
        return keys
    }
}
