import PostgresNIO
import Store

/// A category as submission needs it (`SupportCatalogue.category`): the category, the queue a
/// request of that category, language and severity is routed to with the queue's calendar, the
/// bound tenant's plan, and the severity's phone rule and the plan's target for it. Prepared:
/// every draft's preview and every submission reads it.
struct RoutedCategoryStatement: PreparedRowStatement {
    static let sql = """
        WITH c AS (SELECT * FROM support_categories WHERE code = $1),
        routed AS (SELECT tenantdesk_route_queue($1, $2, $3) AS queue_id)
        SELECT c.technical, c.languages, c.plans, q.id, k.id, k.name, k.time_zone, k.weekly_hours::text,
               ARRAY(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(k.holidays) d),
               p.support_plan,
               (SELECT d.requires_phone FROM severity_definitions d WHERE d.severity = $3),
               (SELECT t.minutes FROM response_targets t WHERE t.plan = p.support_plan AND t.severity = $3)
        FROM c, routed JOIN support_queues q ON q.id = routed.queue_id
        LEFT JOIN support_calendars k ON k.id = q.calendar_id
        LEFT JOIN (SELECT support_plan FROM tenants WHERE id = tenantdesk_current_tenant()) p ON true
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .text, .text]

    var code: String
    var language: String?
    var severity: String?

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(code)
        bindings.append(language)
        bindings.append(severity)
        return bindings
    }
}
