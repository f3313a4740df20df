import Contracts
import Logging
import PostgresNIO
import Store

/// The phone-support directory in PostgreSQL.
public struct PhoneDirectory: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The lines of one country (ISO code, upper case), or of all countries when `nil`.
    public func lines(country: String?) async throws -> [PhoneSupportEntry] {
        let rows = try await database.client.query("""
            SELECT country, country_name, phone_number, hours, languages, notes
            FROM phone_support_lines
            WHERE \(country)::text IS NULL OR country = \(country)::text
            ORDER BY country, id
            """, logger: database.logger)
        var entries: [PhoneSupportEntry] = []
        for try await (country, name, phone, hours, languages, notes) in rows.decode((String, String, String, String, [String], String?).self) {
            entries.append(PhoneSupportEntry(
                country: country, countryName: name, phoneNumber: phone, hours: hours, languages: languages, notes: notes))
        }
        return entries
    }

    /// Adds or replaces a line (keyed by country and number). Needs the owner role.
    public func upsert(_ entry: PhoneSupportEntry) async throws {
        try await upsert([entry])
    }

    /// Adds or replaces lines in one transaction: all of them or, on an error, none.
    public func upsert(_ entries: [PhoneSupportEntry]) async throws {
        try await database.withTransaction { connection in
            for entry in entries { try await Self.upsert(entry, on: connection, logger: database.logger) }
        }
    }

    private static func upsert(_ entry: PhoneSupportEntry, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO phone_support_lines (country, country_name, phone_number, hours, languages, notes)
            VALUES (\(entry.country), \(entry.countryName), \(entry.phoneNumber), \(entry.hours), \(entry.languages), \(entry.notes))
            ON CONFLICT (country, phone_number) DO UPDATE SET
                country_name = EXCLUDED.country_name, hours = EXCLUDED.hours, languages = EXCLUDED.languages,
                notes = EXCLUDED.notes, updated_at = now()
            """, logger: logger)
    }

    /// Removes a line; returns whether one existed. Needs the owner role.
    public func remove(country: String, phoneNumber: String) async throws -> Bool {
        let rows = try await database.client.query(
            "DELETE FROM phone_support_lines WHERE country = \(country) AND phone_number = \(phoneNumber) RETURNING id",
            logger: database.logger).collect()
        return !rows.isEmpty
    }
}
