import Contracts
import Crypto
import Foundation
import Logging
import Messaging
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
        try await activeKeysWithCreation().map(\.key)
    }

    /// The unretired keys with their creation times, newest first; creates one when none exists.
    public func activeKeysWithCreation() async throws -> [(key: SigningKey, createdAt: Date)] {
        let keys = try await loadWithCreation()
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
        return try await loadWithCreation()
    }

    /// Adds a new key, which signs from the next reload of every role service on (within a
    /// minute); the older keys keep verifying until retired.
    public func rotate() async throws -> String {
        let key = SigningKey()
        try await database.withTransaction { connection in
            try await connection.query("""
                INSERT INTO signing_keys (kid, private_key, public_key)
                VALUES (\(key.kid), \(Data(key.privateKey.rawRepresentation)), \(Data(key.privateKey.publicKey.rawRepresentation)))
                """, logger: database.logger)
            try await Self.announce(on: connection, logger: database.logger)
        }
        return key.kid
    }

    /// `signing_keys.changed` through the outbox, which a running role service publishes
    /// within a second; gateways then fetch the keys again.
    static func announce(on connection: PostgresConnection, logger: Logger) async throws {
        try await Outbox.enqueue(RoleEvent.signingKeysChanged, EmptyResponse(), on: connection, logger: logger)
    }

    /// Retires a key: tokens it signed stop verifying within seconds (gateways fetch the keys
    /// again on `signing_keys.changed`, and at the latest at their five-minute refresh). The
    /// newest key cannot be retired (rotate first). Returns whether a key was retired.
    public func retire(kid: String) async throws -> Bool {
        let keys = try await load()
        guard keys.first?.kid != kid else { throw RetireNewest() }
        return try await database.withTransaction { connection in
            let rows = try await connection.query(
                "UPDATE signing_keys SET retired_at = now() WHERE kid = \(kid) AND retired_at IS NULL RETURNING kid",
                logger: database.logger).collect()
            if !rows.isEmpty { try await Self.announce(on: connection, logger: database.logger) }
            return !rows.isEmpty
        }
    }

    /// The newest key signs; rotate before retiring it.
    public struct RetireNewest: Error, CustomStringConvertible {
        public var description: String { "that key is the newest one, which signs: rotate first, then retire it" }
    }

    /// Every key with its creation and retirement times, newest first.
    public func list() async throws -> [(kid: String, createdAt: Date, retiredAt: Date?)] {
        let rows = try await database.client.query(
            "SELECT kid, created_at, retired_at FROM signing_keys ORDER BY created_at DESC, kid", logger: database.logger)
        var keys: [(kid: String, createdAt: Date, retiredAt: Date?)] = []
        for try await (kid, created, retired) in rows.decode((String, Date, Date?).self) {
            keys.append((kid, created, retired))
        }
        return keys
    }

    private func load() async throws -> [SigningKey] {
        try await loadWithCreation().map(\.key)
    }

    private func loadWithCreation() async throws -> [(key: SigningKey, createdAt: Date)] {
        var keys: [(key: SigningKey, createdAt: Date)] = []
        let rows = try await database.client.query(
            "SELECT kid, private_key, created_at FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid",
            logger: database.logger)
        for try await (kid, raw, created) in rows.decode((String, Data, Date).self) {
            keys.append((try SigningKey(kid: kid, rawPrivateKey: raw), created))
        }
        return keys
    }
}
