import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// What support managers configure: queues (calendar, manager), their members (languages,
/// shifts), routing rules and business-hours calendars. The gateway has authorized
/// `support.manage` in the vendor tenant; the worker checks the caller is support again.
struct SupportAdmin: Sendable {
    let database: Database
    let logger: Logger

    func queues(_ request: ListQueuesMethod.Request) async throws -> ListQueuesMethod.Response {
        try Self.requireSupport(request.context)
        return .init(queues: try await read(request.context) { connection in try await loadQueues(nil, on: connection) })
    }

    func putQueue(_ request: PutQueueMethod.Request) async throws -> SupportQueueView {
        try Self.requireSupport(request.context)
        let id = try RequestFieldRules.code(request.queueID, "queue")
        let name = try RequestFieldRules.text(request.name, "name", max: 200, allowEmpty: false)
        let manager = try request.managerID.map { try Self.adminID($0, "manager_id") }
        return try await read(request.context) { connection in
            if let calendar = request.calendarID { try await Self.requireCalendar(calendar, on: connection, logger: logger) }
            if let manager { try await Self.requireSupportMember(manager, "manager_id", on: connection, logger: logger) }
            try await connection.query("""
                INSERT INTO support_queues (id, name, calendar_id, manager_id) VALUES (\(id), \(name), \(request.calendarID), \(manager))
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, calendar_id = EXCLUDED.calendar_id, manager_id = EXCLUDED.manager_id
                """, logger: logger)
            return try Self.one(try await loadQueues(id, on: connection))
        }
    }

    func putMember(_ request: PutQueueMemberMethod.Request) async throws -> SupportQueueView {
        try Self.requireSupport(request.context)
        let queue = try RequestFieldRules.code(request.queueID, "queue")
        let admin = try Self.adminID(request.adminID, "admin_id")
        guard (1...20).contains(request.languages.count) else { throw WorkerProblems.invalid("languages must list 1 to 20 languages") }
        let languages = try request.languages.map { language throws(RPCProblem) in try RequestFieldRules.language(language, "languages") }
        return try await read(request.context) { connection in
            try await Self.requireQueue(queue, on: connection, logger: logger)
            if let shift = request.shiftCalendarID { try await Self.requireCalendar(shift, on: connection, logger: logger) }
            try await Self.requireSupportMember(admin, "admin_id", on: connection, logger: logger)
            try await connection.query("""
                INSERT INTO support_queue_members (queue_id, admin_id, languages, shift_calendar_id, active)
                VALUES (\(queue), \(admin), \(Array(Set(languages)).sorted()), \(request.shiftCalendarID), \(request.active))
                ON CONFLICT (queue_id, admin_id) DO UPDATE
                SET languages = EXCLUDED.languages, shift_calendar_id = EXCLUDED.shift_calendar_id, active = EXCLUDED.active
                """, logger: logger)
            return try Self.one(try await loadQueues(queue, on: connection))
        }
    }

    func removeMember(_ request: RemoveQueueMemberMethod.Request) async throws -> EmptyResponse {
        try Self.requireSupport(request.context)
        let queue = try RequestFieldRules.code(request.queueID, "queue")
        let admin = try Self.adminID(request.adminID, "admin_id")
        return try await read(request.context) { connection in
            let removed = try await connection.query("""
                DELETE FROM support_queue_members WHERE queue_id = \(queue) AND admin_id = \(admin) RETURNING 1
                """, logger: logger).collect()
            guard !removed.isEmpty else { throw WorkerProblems.notFound }
            return EmptyResponse()
        }
    }

    func routes(_ request: RoutingRulesMethod.Request) async throws -> RoutingRulesMethod.Response {
        try Self.requireSupport(request.context)
        return try await read(request.context) { connection in
            if let rule = request.add {
                guard (0...1_000_000).contains(rule.position) else { throw WorkerProblems.invalid("position must be between 0 and 1000000") }
                try await insert(rule, on: connection)
            }
            if let id = request.remove {
                let removed = try await connection.query(
                    "DELETE FROM support_queue_routes WHERE id = \(id) RETURNING 1", logger: logger).collect()
                guard !removed.isEmpty else { throw WorkerProblems.notFound }
            }
            let rows = try await connection.query("""
                SELECT id, position, category_code, category_group, language, severity, queue_id FROM support_queue_routes
                ORDER BY position, id
                """, logger: logger)
            var rules: [RoutingRuleView] = []
            for try await (id, position, category, group, language, severity, queue) in rows.decode(
                (Int64, Int, String?, String?, String?, String?, String).self
            ) {
                rules.append(.init(
                    id: id, position: position, category: category, categoryGroup: group, language: language, severity: severity, queue: queue))
            }
            return .init(rules: rules)
        }
    }

    private func insert(_ rule: RoutingRuleView, on connection: PostgresConnection) async throws {
        guard rule.category != nil || rule.categoryGroup != nil || rule.language != nil || rule.severity != nil else {
            throw WorkerProblems.invalid("a rule sets at least one of category, category_group, language, severity")
        }
        let field = "rule"
        if let group = rule.categoryGroup, !["billing", "device-management", "more"].contains(group) {
            throw WorkerProblems.invalid("\(field).category_group must be billing, device-management or more")
        }
        if let severity = rule.severity, Severity(rawValue: severity) == nil {
            throw WorkerProblems.invalid("\(field).severity must be A, B or C")
        }
        let language = try rule.language.map { raw throws(RPCProblem) in try RequestFieldRules.language(raw, "\(field).language") }
        try await Self.requireQueue(rule.queue, field: "\(field).queue", on: connection, logger: logger)
        if let category = rule.category {
            let known = try await connection.query(
                "SELECT 1 FROM support_categories WHERE code = \(category)", logger: logger).collect()
            guard !known.isEmpty else { throw WorkerProblems.invalid("\(field).category: no category \(category)") }
        }
        try await connection.query("""
            INSERT INTO support_queue_routes (position, category_code, category_group, language, severity, queue_id)
            VALUES (\(rule.position), \(rule.category), \(rule.categoryGroup), \(language), \(rule.severity), \(rule.queue))
            """, logger: logger)
    }

    func calendars(_ request: CalendarsMethod.Request) async throws -> CalendarsMethod.Response {
        try Self.requireSupport(request.context)
        return try await read(request.context) { connection in
            if let put = request.put {
                let id = try RequestFieldRules.code(put.id, "calendar")
                let name = try RequestFieldRules.text(put.name, "name", max: 200, allowEmpty: false)
                let calendar: BusinessCalendar
                do {
                    calendar = try BusinessCalendar(
                        id: id, name: name, timeZone: put.timeZone, weeklyHours: put.weeklyHours, holidays: put.holidays)
                } catch {
                    throw WorkerProblems.invalid("calendar: \(error)")
                }
                let weekly = String(decoding: try JSONCodec.encode(calendar.weeklyHours), as: UTF8.self)
                try await connection.query("""
                    INSERT INTO support_calendars (id, name, time_zone, weekly_hours, holidays)
                    VALUES (\(id), \(name), \(calendar.timeZone), \(weekly)::jsonb, \(calendar.holidays)::date[])
                    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, time_zone = EXCLUDED.time_zone,
                        weekly_hours = EXCLUDED.weekly_hours, holidays = EXCLUDED.holidays
                    """, logger: logger)
            }
            let rows = try await connection.query("""
                SELECT id, name, time_zone, weekly_hours::text, holidays::text[] FROM support_calendars ORDER BY id
                """, logger: logger)
            var calendars: [CalendarView] = []
            for try await (id, name, zone, weekly, holidays) in rows.decode((String, String, String, String, [String]).self) {
                calendars.append(.init(
                    id: id, name: name, timeZone: zone, weeklyHours: try SupportCatalogue.weeklyHours(weekly), holidays: holidays))
            }
            return .init(calendars: calendars)
        }
    }

    // MARK: reading

    /// A transaction of the support organisation that reads every customer's requests (counts).
    private func read<T: Sendable>(_ context: ActingContext, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await database.withTenantTransaction(try context.tenant(), supportAudience: true, supportScope: true, body)
    }

    private func loadQueues(_ only: String?, on connection: PostgresConnection) async throws -> [SupportQueueView] {
        let queueRows = try await connection.query("""
            SELECT q.id, q.name, q.calendar_id, q.manager_id, q.is_default,
                   (SELECT count(*)::int FROM service_requests r WHERE r.queue_id = q.id
                      AND r.status IN ('submitted', 'in_progress', 'waiting_for_customer')),
                   (SELECT count(*)::int FROM service_requests r WHERE r.queue_id = q.id AND r.assigned_to IS NULL
                      AND r.status IN ('submitted', 'in_progress', 'waiting_for_customer'))
            FROM support_queues q WHERE \(only)::text IS NULL OR q.id = \(only) ORDER BY q.id
            """, logger: logger)
        var queues: [SupportQueueView] = []
        for try await (id, name, calendar, manager, isDefault, open, unassigned) in queueRows.decode(
            (String, String, String?, UUID?, Bool, Int, Int).self
        ) {
            queues.append(.init(
                id: id, name: name, calendarID: calendar, managerID: manager?.text, isDefault: isDefault, members: [],
                openRequests: open, unassignedRequests: unassigned))
        }
        let memberRows = try await connection.query("""
            SELECT m.queue_id, m.admin_id, tenantdesk_support_member(m.admin_id), m.languages, m.shift_calendar_id, m.active,
                   m.last_assigned_at, k.name, k.time_zone, k.weekly_hours::text, k.holidays::text[],
                   (SELECT count(*)::int FROM service_requests r WHERE r.assigned_to = m.admin_id
                      AND r.status IN ('submitted', 'in_progress', 'waiting_for_customer'))
            FROM support_queue_members m LEFT JOIN support_calendars k ON k.id = m.shift_calendar_id
            WHERE \(only)::text IS NULL OR m.queue_id = \(only) ORDER BY m.queue_id, m.added_at, m.admin_id
            """, logger: logger)
        let now = Date()
        for try await (queue, admin, name, languages, shift, active, last, calendarName, zone, weekly, holidays, open)
            in memberRows.decode((String, UUID, String?, [String], String?, Bool, Date?, String?, String?, String?, [String]?, Int).self) {
            let calendar = try SupportCatalogue.calendar(id: shift, name: calendarName, timeZone: zone, weekly: weekly, holidays: holidays)
            let onShift = calendar?.isOpen(at: now) ?? true
            guard let index = queues.firstIndex(where: { $0.id == queue }) else { continue }
            queues[index].members.append(.init(
                adminID: admin.text, name: name, languages: languages, shiftCalendarID: shift, active: active, onShift: onShift,
                openRequests: open, lastAssignedAt: last))
        }
        return queues
    }

    // MARK: checks

    static func requireSupport(_ context: ActingContext) throws {
        guard context.side == .support else {
            throw RPCProblem(status: 403, type: ProblemType.forbidden, title: "Forbidden", detail: "only support managers configure queues")
        }
    }

    static func adminID(_ raw: String, _ field: String) throws -> UUID {
        guard let id = UUID(uuidString: raw) else { throw WorkerProblems.invalid("\(field) is not an administrator id") }
        return id
    }

    static func one(_ queues: [SupportQueueView]) throws -> SupportQueueView {
        guard let queue = queues.first else { throw WorkerProblems.notFound }
        return queue
    }

    static func requireQueue(_ id: String, field: String = "queue", on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query("SELECT 1 FROM support_queues WHERE id = \(id)", logger: logger).collect()
        if rows.isEmpty {
            if field == "queue" { throw WorkerProblems.notFound }
            throw WorkerProblems.invalid("\(field): no queue \(id)")
        }
    }

    static func requireCalendar(_ id: String, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query("SELECT 1 FROM support_calendars WHERE id = \(id)", logger: logger).collect()
        guard !rows.isEmpty else { throw WorkerProblems.invalid("no calendar \(id)") }
    }

    static func requireSupportMember(_ id: UUID, _ field: String, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query("SELECT tenantdesk_support_member(\(id))", logger: logger).collect()
        guard let row = rows.first, try row.decode(String?.self) != nil else {
            throw WorkerProblems.invalid("\(field) is not an active support engineer or manager")
        }
    }
}
