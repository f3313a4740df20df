import Domain
import Foundation
import Logging
import PostgresNIO
import Store

/// Creates the vendor tenant and its first platform operator, once.
public struct OperatorBootstrap: Sendable {
    /// What `run` did.
    public enum Outcome: Sendable, Equatable {
        case created(adminID: UUID, tenantID: UUID)
        /// A platform operator exists already; nothing was changed.
        case alreadyBootstrapped(email: String)
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case invalidEmail
        case invalidName
        case weakPassword(String)
        case emailTaken(String)

        public var description: String {
            switch self {
            case .invalidEmail: return "the email address is not valid"
            case .invalidName: return "the name must have 1 to 200 characters"
            case .weakPassword(let reason): return "the password is not acceptable: \(reason)"
            case .emailTaken(let email): return "\(email) already belongs to an administrator who is not an operator"
            }
        }
    }

    let database: Database
    let hasher: PasswordHasher

    public init(database: Database, hasher: PasswordHasher) {
        self.database = database
        self.hasher = hasher
    }

    /// Creates the operator unless one exists. Connect as the schema owner.
    public func run(name: String, email rawEmail: String, password: String, vendorName: String = "Support", country: String = "US") async throws -> Outcome {
        guard let email = Validation.normalizedEmail(rawEmail) else { throw Failure.invalidEmail }
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(name.count) else { throw Failure.invalidName }
        if let existing = try await existingOperatorEmail() { return .alreadyBootstrapped(email: existing) }
        if let reason = Validation.passwordProblem(password) { throw Failure.weakPassword(reason) }
        let hash = try await hasher.hash(password)

        return try await database.withTransaction { connection in
            // Serialise concurrent bootstraps; the loser finds the winner's operator.
            try await connection.query("SELECT pg_advisory_xact_lock(\(Int64(0x626F_6F74)))", logger: database.logger)
            if let existing = try await Self.operatorEmail(connection, logger: database.logger) {
                return .alreadyBootstrapped(email: existing)
            }
            let taken = try await connection.query("SELECT 1 FROM login_identities WHERE email = \(email)", logger: database.logger).collect()
            guard taken.isEmpty else { throw Failure.emailTaken(email) }

            var tenantID = UUID()
            let vendor = try await connection.query(
                "SELECT id FROM tenants WHERE kind = 'vendor'", logger: database.logger).collect()
            if let row = vendor.first { tenantID = try row.decode(UUID.self) }
            try await connection.query("""
                INSERT INTO tenants (id, kind, display_name, country, support_plan)
                VALUES (\(tenantID), 'vendor', \(vendorName), \(country), 'premier')
                ON CONFLICT (id) DO NOTHING
                """, logger: database.logger)
            let adminID = UUID()
            try await connection.query("""
                INSERT INTO admins (id, tenant_id, name, email, roles)
                VALUES (\(adminID), \(tenantID), \(name), \(email), \([Role.platformOperator.rawValue]))
                """, logger: database.logger)
            try await connection.query("""
                INSERT INTO login_identities (email, admin_id, tenant_id, password_hash)
                VALUES (\(email), \(adminID), \(tenantID), \(hash))
                """, logger: database.logger)
            return .created(adminID: adminID, tenantID: tenantID)
        }
    }

    private func existingOperatorEmail() async throws -> String? {
        try await database.withTransaction { connection in
            try await Self.operatorEmail(connection, logger: database.logger)
        }
    }

    private static func operatorEmail(_ connection: PostgresConnection, logger: Logger) async throws -> String? {
        let rows = try await connection.query("SELECT email FROM admins WHERE 'platform_operator' = ANY (roles) ORDER BY created_at", logger: logger)
        for try await email in rows.decode(String.self) { return email }
        return nil
    }
}
