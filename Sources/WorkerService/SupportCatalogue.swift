import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// The support catalogue (categories, features, symptoms, severities, targets, calendars) as
/// the intake wizard and submission use it.
struct SupportCatalogue: Sendable {
    let database: Database
    let logger: Logger

    /// What a category brings to submission.
    struct Category: Sendable {
        var code: String
        var technical: Bool
        var languages: [String]
        var plans: [SupportPlan]
        var queue: String
        var calendar: BusinessCalendar?
        /// Read in the same round trip: the bound tenant's plan and, when a severity was given,
        /// whether it needs a phone and the plan's target for it.
        var plan: SupportPlan?
        var requiresPhone: Bool?
        var targetMinutes: Int?
    }

    /// The tenant's support plan (the transaction is bound to the tenant).
    func plan(on connection: PostgresConnection) async throws -> SupportPlan {
        let rows = try await connection.query(
            "SELECT support_plan FROM tenants WHERE id = tenantdesk_current_tenant()", logger: logger)
        for try await plan in rows.decode(String.self) {
            if let plan = SupportPlan(rawValue: plan) { return plan }
        }
        throw WorkerProblems.notFound
    }

    /// Everything the wizard shows before it starts.
    func intakeOptions(_ context: ActingContext) async throws -> IntakeOptions {
        try await database.withTenantTransaction(try context.tenant(), supportAudience: context.supportAudience) { connection in
            let plan = try await plan(on: connection)
            var severities: [SeverityOption] = []
            let severityRows = try await connection.query("""
                SELECT d.severity, d.name, d.definition, d.requires_phone, d.around_the_clock, t.minutes
                FROM severity_definitions d JOIN response_targets t ON t.severity = d.severity AND t.plan = \(plan.rawValue)
                ORDER BY d.severity
                """, logger: logger)
            for try await (severity, name, definition, phone, clock, minutes) in severityRows.decode((String, String, String, Bool, Bool, Int).self) {
                guard let severity = Severity(rawValue: severity) else { continue }
                severities.append(SeverityOption(
                    severity: severity, name: name, definition: definition, requiresPhone: phone, aroundTheClock: clock,
                    targetMinutes: minutes))
            }
            // Hours of the queue a request in the tenant's language is routed to.
            var categories: [CategoryOption] = []
            let categoryRows = try await connection.query("""
                WITH t AS (SELECT default_language FROM tenants WHERE id = tenantdesk_current_tenant())
                SELECT c.code, c.name, c.group_name, c.technical, c.languages, c.plans,
                       k.id, k.time_zone, k.weekly_hours::text
                FROM support_categories c
                CROSS JOIN t
                JOIN support_queues q ON q.id = tenantdesk_route_queue(c.code, t.default_language, NULL)
                LEFT JOIN support_calendars k ON k.id = q.calendar_id
                ORDER BY c.position, c.code
                """, logger: logger)
            for try await (code, name, group, technical, languages, plans, calendar, zone, weekly) in categoryRows.decode(
                (String, String, String, Bool, [String], [String], String?, String?, String?).self
            ) {
                var hours: StaffedHours?
                if let calendar, let zone, let weekly {
                    hours = StaffedHours(
                        calendar: calendar, timeZone: zone,
                        weekly: try Self.weeklyHours(weekly))
                }
                categories.append(CategoryOption(
                    code: code, name: name, group: group, technical: technical,
                    languages: technical ? languages.filter(IntakeRules.technicalLanguages.contains) : languages,
                    covered: plans.contains(plan.rawValue), hours: hours))
            }
            let rules = [
                "A name and an email address are required.",
                "Severity A needs a phone number: someone must be reachable around the clock while support works on it.",
                "Technical categories are supported in English and Japanese; billing and account categories in more languages.",
                "The preferred contact method is email or phone; phone needs a number.",
            ]
            return IntakeOptions(plan: plan, severities: severities, categories: categories, contactRules: rules)
        }
    }

    /// A category's features and their symptoms; 404 for an unknown category.
    func features(category: String) async throws -> FeaturesMethod.Response {
        guard TextShape.isCatalogueCode(category) else { throw WorkerProblems.notFound }
        let rows = try await database.client.query("""
            SELECT f.code, f.name, s.code, s.name
            FROM support_features f LEFT JOIN support_symptoms s ON s.category_code = f.category_code AND s.feature_code = f.code
            WHERE f.category_code = \(category)
            ORDER BY f.position, f.code, s.position, s.code
            """, logger: logger)
        var features: [FeaturesMethod.Feature] = []
        for try await (code, name, symptomCode, symptomName) in rows.decode((String, String, String?, String?).self) {
            if features.last?.code != code { features.append(.init(code: code, name: name, symptoms: [])) }
            if let symptomCode, let symptomName {
                features[features.count - 1].symptoms.append(.init(code: symptomCode, name: symptomName))
            }
        }
        if features.isEmpty { throw WorkerProblems.notFound }
        return .init(features: features)
    }

    /// The category as submission needs it, with the queue a request of that category, language
    /// and severity is routed to (`support_queue_routes`, else the category's queue) and that
    /// queue's calendar; nil when the category does not exist.
    func category(
        _ code: String, language: String? = nil, severity: Severity? = nil, on connection: PostgresConnection
    ) async throws -> Category? {
        let rows = try await connection.execute(
            RoutedCategoryStatement(code: code, language: language, severity: severity?.rawValue), logger: logger)
        for try await row in rows {
            let (technical, languages, plans, queue, calendarID, calendarName, zone, weekly, holidays, plan, phone, minutes) =
                try row.decode(
                    (Bool, [String], [String], String, String?, String?, String?, String?, [String]?, String?, Bool?, Int?).self)
            let calendar = try Self.calendar(id: calendarID, name: calendarName, timeZone: zone, weekly: weekly, holidays: holidays)
            return Category(
                code: code, technical: technical, languages: languages, plans: plans.compactMap(SupportPlan.init(rawValue:)),
                queue: queue, calendar: calendar, plan: plan.flatMap(SupportPlan.init(rawValue:)), requiresPhone: phone,
                targetMinutes: minutes)
        }
        return nil
    }

    /// Whether the severity needs a phone number, and the plan's target for it.
    func severity(_ severity: Severity, plan: SupportPlan, on connection: PostgresConnection) async throws -> (requiresPhone: Bool, minutes: Int) {
        let rows = try await connection.query("""
            SELECT d.requires_phone, t.minutes FROM severity_definitions d
            JOIN response_targets t ON t.severity = d.severity AND t.plan = \(plan.rawValue)
            WHERE d.severity = \(severity.rawValue)
            """, logger: logger)
        for try await (phone, minutes) in rows.decode((Bool, Int).self) { return (phone, minutes) }
        let fallback = ResponseDue.defaultTargets[plan]?[severity] ?? 480
        return (severity == .a, fallback)
    }

    /// A calendar from its `support_calendars` columns (a LEFT JOIN: nil when there is none).
    /// Built calendars are kept by their columns (`CalendarMemo`): every submission and every
    /// triage reads one, and parsing the weekly hours each time cost a few percent of the worker.
    static func calendar(
        id: String?, name: String?, timeZone: String?, weekly: String?, holidays: [String]?
    ) throws -> BusinessCalendar? {
        guard let id, let name, let timeZone, let weekly else { return nil }
        let columns = CalendarMemo.Columns(id: id, name: name, timeZone: timeZone, weekly: weekly, holidays: holidays ?? [])
        if let known = CalendarMemo.shared.calendar(for: columns) { return known }
        let calendar = try BusinessCalendar(
            id: id, name: name, timeZone: timeZone, weeklyHours: try weeklyHours(weekly), holidays: holidays ?? [])
        CalendarMemo.shared.keep(calendar, for: columns)
        return calendar
    }

    /// `weekly_hours` as read with `::text`.
    static func weeklyHours(_ text: String) throws -> [String: [[String]]] {
        try JSONCodec.decode([String: [[String]]].self, from: Array(text.utf8))
    }
}
