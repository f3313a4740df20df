import Contracts
import Domain
import Foundation
import Logging
import PostgresNIO

/// Checks of the fields of a draft, each with a clear message (what submission adds is in
/// `IntakeRules`).
enum RequestFieldRules {
    /// Merges `changes` into `current` (nil leaves a field; a contact is merged field by field).
    static func merge(_ current: RequestFields, _ changes: RequestFields) -> RequestFields {
        var merged = current
        if let value = changes.category {
            if value != current.category { merged.feature = nil; merged.symptom = nil }
            merged.category = value
        }
        if let value = changes.feature {
            if value != current.feature { merged.symptom = nil }
            merged.feature = value
        }
        if let value = changes.symptom { merged.symptom = value }
        if let value = changes.summary { merged.summary = value }
        if let value = changes.details { merged.details = value }
        if let value = changes.severity { merged.severity = value }
        if let value = changes.language { merged.language = value }
        if let value = changes.suggestionSessionID { merged.suggestionSessionID = value }
        if let contact = changes.contact {
            var result = current.contact ?? ContactDetails()
            if let value = contact.name { result.name = value }
            if let value = contact.email { result.email = value }
            if let value = contact.phone { result.phone = value }
            if let value = contact.preferredMethod { result.preferredMethod = value }
            if let value = contact.timeZone { result.timeZone = value }
            if let value = contact.country { result.country = value }
            merged.contact = result
        }
        return merged
    }

    /// Text from a client, trimmed: at most `max` characters (Unicode scalars, as PostgreSQL
    /// counts them), no control characters but tab and line breaks (and none of those when not
    /// `multiline`). Throws 422 naming the field.
    static func text(_ value: String, _ field: String, max: Int, multiline: Bool = false, allowEmpty: Bool = true) throws(RPCProblem) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.unicodeScalars.count <= max else { throw WorkerProblems.invalid("\(field) must be at most \(max) characters") }
        guard allowEmpty || !trimmed.isEmpty else { throw WorkerProblems.invalid("\(field) must not be empty") }
        guard !Validation.hasControlCharacters(trimmed, multiline: multiline) else {
            throw WorkerProblems.invalid("\(field) contains control characters")
        }
        return trimmed
    }

    /// A catalogue code (category, feature, symptom): lower-case letters, digits and dashes.
    static func code(_ value: String, _ field: String) throws(RPCProblem) -> String {
        guard TextShape.isCatalogueCode(value) else { throw WorkerProblems.invalid("\(field) is not in the catalogue") }
        return value
    }

    /// Normalizes and checks the shape of every field set; throws 422 naming the field.
    /// A language tag, lower-cased (`en`, `ja`, `zh-hans`).
    static func language(_ value: String, _ field: String) throws(RPCProblem) -> String {
        let tag = value.lowercased()
        guard TextShape.isLanguageTag(tag) else {
            throw WorkerProblems.invalid("\(field) must be a BCP 47 tag such as en or ja")
        }
        return tag
    }

    static func normalized(_ fields: RequestFields) throws(RPCProblem) -> RequestFields {
        var fields = fields
        if let value = fields.category { fields.category = try code(value, "category") }
        if let value = fields.feature { fields.feature = try code(value, "feature") }
        if let value = fields.symptom { fields.symptom = try code(value, "symptom") }
        if let summary = fields.summary { fields.summary = try text(summary, "summary", max: 200) }
        if let details = fields.details { fields.details = try text(details, "details", max: 20_000, multiline: true) }
        if let value = fields.language { fields.language = try language(value, "language") }
        if var contact = fields.contact {
            if let name = contact.name { contact.name = try text(name, "contact.name", max: 200, allowEmpty: false) }
            if let email = contact.email {
                guard let normalized = Validation.normalizedEmail(email) else {
                    throw WorkerProblems.invalid("contact.email is not a valid email address")
                }
                contact.email = normalized
            }
            if let phone = contact.phone {
                let trimmed = phone.trimmingCharacters(in: .whitespaces)
                guard TextShape.isPhoneNumber(trimmed) else {
                    throw WorkerProblems.invalid("contact.phone must be a phone number such as +81 3 1234 5678")
                }
                contact.phone = trimmed
            }
            if let method = contact.preferredMethod, !["email", "phone"].contains(method) {
                throw WorkerProblems.invalid("contact.preferred_method must be email or phone")
            }
            if let zone = contact.timeZone, TimeZone(identifier: zone) == nil || zone.count > 64 {
                throw WorkerProblems.invalid("contact.time_zone must be an IANA time zone such as Asia/Tokyo")
            }
            if let country = contact.country {
                guard let code = Validation.countryCode(country) else {
                    throw WorkerProblems.invalid("contact.country must be an ISO 3166-1 alpha-2 code such as JP")
                }
                contact.country = code
            }
            fields.contact = contact
        }
        if let session = fields.suggestionSessionID {
            guard let id = UUID(uuidString: session) else { throw WorkerProblems.invalid("suggestion_session_id is not a session id") }
            fields.suggestionSessionID = id.text
        }
        return fields
    }

    /// Checks that the category, feature and symptom exist and belong together, and that the
    /// suggestion session is the tenant's.
    static func checkReferences(_ fields: RequestFields, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query("""
            SELECT
                \(fields.category)::text IS NULL OR EXISTS (SELECT 1 FROM support_categories WHERE code = \(fields.category)::text),
                \(fields.feature)::text IS NULL OR EXISTS (
                    SELECT 1 FROM support_features WHERE category_code = \(fields.category)::text AND code = \(fields.feature)::text),
                \(fields.symptom)::text IS NULL OR EXISTS (
                    SELECT 1 FROM support_symptoms WHERE category_code = \(fields.category)::text
                    AND feature_code = \(fields.feature)::text AND code = \(fields.symptom)::text),
                \(fields.suggestionSessionID)::uuid IS NULL OR EXISTS (
                    SELECT 1 FROM suggestion_sessions WHERE id = \(fields.suggestionSessionID)::uuid)
            """, logger: logger)
        for try await (category, feature, symptom, session) in rows.decode((Bool, Bool, Bool, Bool).self) {
            guard category else { throw WorkerProblems.invalid("category is not in the catalogue") }
            guard feature else { throw WorkerProblems.invalid("feature is not one of the category's features") }
            guard symptom else { throw WorkerProblems.invalid("symptom is not one of the feature's symptoms") }
            guard session else { throw WorkerProblems.invalid("suggestion_session_id is not one of this tenant's sessions") }
        }
    }
}
