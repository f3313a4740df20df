import Contracts
import Domain
import Foundation
import Logging
import PostgresNIO
import Store

/// The statements of a list read (the page and the counts per status), checked and built from its
/// request. The default view of a tenant's admin (unresolved requests, newest first, first page)
/// is by far the most frequent read: its two statements are prepared on each connection
/// (`DefaultListPage`, `DefaultListCounts`), so PostgreSQL plans them once instead of on every
/// read. Planning them was about half of PostgreSQL's time for a list.
extension RequestQueries {
    /// A list read's statements, and the other tenants its transaction may read.
    struct ListStatements {
        var page: QueryBuilder
        var counts: QueryBuilder
        /// A partner's customers (the `.customers` scope), bound with the transaction.
        var readTenants: [UUID]
    }

    /// The sorts a list offers. Each has a key, a bigint that a cursor carries, so that one keyset
    /// condition serves every sort.
    private static let sorts: [String: ListSort] = [
        "created": .time("r.created_at"),
        "updated": .time("r.updated_at"),
        "severity": .key("ascii(coalesce(r.severity, 'Z'))::bigint"),
        // Only drafts have no due time.
        "response_due": .timeOrNull("r.response_due_at"),
        // Requests still waiting for their first response before answered ones; within each,
        // escalated ones (a breach escalates) first; each part by due time.
        "priority": .key("""
            (CASE WHEN r.first_response_at IS NULL AND r.resolved_at IS NULL THEN 0 ELSE 2000000000000000000 END
             + CASE WHEN r.escalated_at IS NULL THEN 1000000000000000000 ELSE 0 END
             + (extract(epoch FROM coalesce(r.response_due_at, '9999-12-31'::timestamptz)) * 1000000)::bigint)
            """),
    ]

    /// Checks a list request and builds its statements.
    static func listStatements(_ request: ListRequestsMethod.Request) throws(RPCProblem) -> ListStatements {
        let context = request.context
        let descending = request.sort.hasPrefix("-")
        let sortName = descending ? String(request.sort.dropFirst()) : request.sort
        // Escalation is internal: only the support queues sort by it.
        let supportList = request.scope == .support
        guard let sort = sorts[sortName], sortName != "priority" || supportList else {
            throw WorkerProblems.invalid(
                "sort must be one of created, updated, severity, response_due\(supportList ? ", priority" : "") (prefix - for descending)")
        }
        guard PageSize.allowed.contains(request.limit) else { throw WorkerProblems.invalid(PageSize.rule) }
        let cursor = try request.cursor.map { (encoded) throws(RPCProblem) in try ListCursor(encoded: encoded, sort: request.sort) }
        if let cursor, !sort.accepts(cursor.key) { throw WorkerProblems.invalid("cursor is not valid") }
        let text = try request.text.map { (text) throws(RPCProblem) in try RequestFieldRules.text(text, "q", max: 500) }
        // What the text asks for: a request number (`123`, `#123`), or words.
        let number = text.flatMap(ListTextMatch.number(in:))
        let searchedWords = text.flatMap { $0.isEmpty || number != nil ? nil : $0 }
        let category = try request.category.map { (code) throws(RPCProblem) in try RequestFieldRules.code(code, "category") }
        let admin = try context.admin()
        let statuses = request.statuses ?? RequestStatus.defaultListed
        guard request.awaiting.map(ListRequestsMethod.Request.awaitingValues.contains) ?? true else {
            throw WorkerProblems.invalid("awaiting must be support or customer")
        }
        var readTenants: [UUID] = []
        var customer: UUID?
        if let raw = request.customer {
            guard let id = UUID(uuidString: raw) else { throw WorkerProblems.invalid("customer is not a tenant id") }
            customer = id
        }
        switch request.scope {
        case .tenant: break
        case .customers(let ids): readTenants = ids.compactMap(UUID.init(uuidString:))
        case .support:
            guard context.side == .support else { throw WorkerProblems.notFound }
        }

        /// Appends the tenants a list reads, on `column` (each condition followed by ` AND `),
        /// explicitly: row-level security is the second wall, not the filter.
        func appendTenants(_ column: String, to query: inout QueryBuilder) {
            switch request.scope {
            case .tenant: query.append("\(column) = tenantdesk_current_tenant() AND ")
            case .customers: query.append("\(column) = ANY(\(query.bind(readTenants))) AND ")
            case .support: break
            }
            if let customer { query.append("\(column) = \(query.bind(customer)) AND ") }
        }

        /// The tenants a text search looks in (`tenantdesk_request_text_matches`' first argument).
        func searchedTenants(in query: inout QueryBuilder) -> String {
            switch (customer, request.scope) {
            case (let customer?, _): query.bind([customer])
            case (nil, .tenant): "ARRAY[tenantdesk_current_tenant()]"
            case (nil, .customers): query.bind(readTenants)
            case (nil, .support): "NULL::uuid[]"
            }
        }

        /// Appends the filters that narrow a list within its tenants (each preceded by ` AND `),
        /// the text matched as `words` says.
        func appendNarrowing(to query: inout QueryBuilder, words: ListTextMatch = .rows) {
            if let queue = request.queue { query.append(" AND r.queue_id = \(query.bind(queue))") }
            switch request.assignee {
            case nil: break
            case "unassigned": query.append(" AND r.assigned_to IS NULL")
            case "me": query.append(" AND r.assigned_to = \(query.bind(admin))")
            case let other?: query.append(" AND r.assigned_to = \(query.bind(UUID(uuidString: other) ?? UUID()))")
            }
            if let severities = request.severities { query.append(" AND r.severity = ANY(\(query.bind(severities.map(\.rawValue))))") }
            if let category { query.append(" AND r.category_code = \(query.bind(category))") }
            if request.requestedByMe { query.append(" AND r.requested_by = \(query.bind(admin))") }
            if let number {
                query.append(" AND r.number = \(query.bind(number))")
            } else if let searchedWords {
                query.append(words.condition(text: searchedWords, in: &query))
            }
            switch request.awaiting {
            case "support"?:
                query.append("""
                     AND r.status IN ('submitted', 'in_progress') AND coalesce(r.last_public_message_side, 'customer') = 'customer'
                    """)
            case "customer"?:
                query.append("""
                     AND (r.status = 'waiting_for_customer'
                          OR (r.status IN ('submitted', 'in_progress') AND r.last_public_message_side = 'support'))
                    """)
            default: break
            }
            if let due = request.responseDueBefore {
                query.append("""
                     AND r.status IN ('submitted', 'in_progress', 'waiting_for_customer') AND r.first_response_at IS NULL
                     AND r.response_due_at < \(query.bind(due))
                    """)
            }
            if let from = request.createdFrom { query.append(" AND r.created_at >= \(query.bind(from))") }
            if let to = request.createdTo { query.append(" AND r.created_at < \(query.bind(to))") }
            if let from = request.updatedFrom { query.append(" AND r.updated_at >= \(query.bind(from))") }
            if let to = request.updatedTo { query.append(" AND r.updated_at < \(query.bind(to))") }
        }

        /// Appends the filters every part shares (all but status).
        func appendFilters(to query: inout QueryBuilder, words: ListTextMatch) {
            appendTenants("r.tenant_id", to: &query)
            appendVisible(context, to: &query)
            appendNarrowing(to: &query, words: words)
        }

        /// Appends one SELECT of the page.
        func appendPage(to page: inout QueryBuilder, words: ListTextMatch) {
            page.append("SELECT \(RequestRecord.listColumns), \(sort.key) AS sort_key FROM service_requests r WHERE ")
            appendFilters(to: &page, words: words)
            // The statuses and the page size are written into the text, not bound: both come from
            // closed sets (the statuses' names, a size checked to be 1 to 200). With them bound,
            // PostgreSQL would plan the prepared default view again on every run (a generic plan
            // cannot know how many rows the LIMIT keeps); written in, it plans it once per connection.
            page.append(" AND r.status = ANY('{\(statuses.map(\.rawValue).joined(separator: ","))}'::text[])")
            let direction = descending ? "DESC" : "ASC"
            if let cursor {
                let condition = sort.after(cursor, descending: descending, nullsListed: statuses.contains(.draft), in: &page)
                page.append(" AND \(condition)")
            }
            page.append(" ORDER BY \(sort.order) \(direction), r.id \(direction) LIMIT \(request.limit + 1)")
        }

        /// Appends the count of what the caller sees past the draft stage.
        func appendPastDrafts(to counts: inout QueryBuilder, words: ListTextMatch) {
            counts.append("SELECT r.status, count(*)::int FROM service_requests r WHERE ")
            appendTenants("r.tenant_id", to: &counts)
            counts.append("r.status <> 'draft'")
            appendNarrowing(to: &counts, words: words)
            counts.append(" GROUP BY r.status")
        }

        // A search for words reads the matching rows through the search index, or, when they are
        // too many for that, matches the rows in turn (`ListTextMatch`): two branches of which
        // only one reads anything.
        func appendMatches(to query: inout QueryBuilder) {
            guard let searchedWords else { return }
            query.append(ListTextMatch.matches(tenants: searchedTenants(in: &query), text: query.bind(searchedWords)))
        }

        var page = QueryBuilder()
        appendMatches(to: &page)
        // No ORDER BY over the two branches: only one has rows, and PostgreSQL appends a branch's
        // rows in its order (the function is not parallel safe, so no parallel append mixes them).
        if searchedWords != nil {
            page.append("(")
            appendPage(to: &page, words: .indexed)
            page.append(") UNION ALL (")
            appendPage(to: &page, words: .rowsWhenMany)
            page.append(")")
        } else {
            appendPage(to: &page, words: .indexed)
        }
        // Without a narrowing filter (whichever `appendNarrowing` knows), the counts are those kept
        // per tenant and status (for the support queues, summed over every tenant).
        var narrowing = QueryBuilder()
        appendNarrowing(to: &narrowing)
        var counts: QueryBuilder
        if narrowing.sql.isEmpty {
            counts = keptCounts(context, appendTenants: appendTenants)
        } else {
            // Counted, drafts apart: what the caller sees past the draft stage is then read from
            // the tenant's index by creation time alone when the filters are among its columns
            // (migration 23); the visibility of drafts needs columns it does not carry.
            counts = QueryBuilder()
            appendMatches(to: &counts)
            appendPastDrafts(to: &counts, words: .indexed)
            if searchedWords != nil {
                counts.append(" UNION ALL ")
                appendPastDrafts(to: &counts, words: .rowsWhenMany)
            }
            // The reader's own drafts are few: their words are matched on the rows.
            appendOwnDrafts(context, to: &counts, tenants: appendTenants) { appendNarrowing(to: &$0, words: .rows) }
        }
        return ListStatements(page: page, counts: counts, readTenants: readTenants)
    }

    /// The counts per status of a list without filters, from the counts kept per tenant and
    /// status (`service_request_counts`), plus the reader's own drafts: the same figures as
    /// counting the tenant's requests, at a cost that does not grow with the tenant's history.
    private static func keptCounts(
        _ context: ActingContext, appendTenants: (String, inout QueryBuilder) -> Void
    ) -> QueryBuilder {
        var counts = QueryBuilder("SELECT c.status, sum(c.count)::int FROM service_request_counts c WHERE ")
        appendTenants("c.tenant_id", &counts)
        counts.append("c.count > 0 GROUP BY c.status")
        appendOwnDrafts(context, to: &counts, tenants: appendTenants)
        return counts
    }

    /// Appends ` UNION ALL` the counts of the reader's own unexpired drafts in the list's tenants,
    /// narrowed by `narrow` (a count of requests past the draft stage leaves them out). Support
    /// never sees drafts.
    private static func appendOwnDrafts(
        _ context: ActingContext, to counts: inout QueryBuilder, tenants appendTenants: (String, inout QueryBuilder) -> Void,
        narrow: (inout QueryBuilder) -> Void = { _ in }
    ) {
        guard context.side != .support else { return }
        counts.append(" UNION ALL SELECT r.status, count(*)::int FROM service_requests r WHERE ")
        appendTenants("r.tenant_id", &counts)
        let admin = counts.bind(UUID(uuidString: context.adminID) ?? UUID())
        counts.append("r.status = 'draft' AND \(ownDraft(admin))")
        narrow(&counts)
        counts.append(" GROUP BY r.status")
    }

    /// The statements of a tenant admin's default view (the values bound do not change the
    /// text); `nil` only if that request were refused, and then every list is sent as built
    /// (`DefaultListStatementTests` fails first).
    static let defaultView: ListStatements? = {
        let context = ActingContext(
            tenantID: "", adminID: UUID().uuidString, adminName: "", homeTenantID: "", side: .customer,
            viaRelationshipID: nil, requestID: "")
        return try? listStatements(ListRequestsMethod.Request(
            context: context, statuses: nil, severities: nil, category: nil, requestedByMe: false, text: nil, createdFrom: nil,
            createdTo: nil, updatedFrom: nil, updatedTo: nil, sort: "-created", cursor: nil, limit: PageSize.standard))
    }()

    /// The rows of a list statement, collected (`forEachRow`).
    static func rows(of statement: QueryBuilder, on connection: PostgresConnection, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        try await forEachRow(of: statement, on: connection, logger: logger) { rows.append($0) }
        return rows
    }

    /// Hands each row of a list statement to `body` as it arrives: through its prepared form when
    /// it is one of the default view's, else as built.
    static func forEachRow(
        of statement: QueryBuilder, on connection: PostgresConnection, logger: Logger, _ body: (PostgresRow) throws -> Void
    ) async throws {
        switch statement.sql {
        case DefaultListPage.sql:
            try await each(of: connection.execute(DefaultListPage(bindings: statement.binds), logger: logger), body)
        case DefaultListCounts.sql:
            try await each(of: connection.execute(DefaultListCounts(bindings: statement.binds), logger: logger), body)
        default:
            try await each(of: connection.query(statement.query, logger: logger), body)
        }
    }

    private static func each<Rows: AsyncSequence>(of rows: Rows, _ body: (Rows.Element) throws -> Void) async throws {
        for try await row in rows { try body(row) }
    }
}

/// The first page of a tenant admin's default view (unresolved requests, newest first, 50 a
/// page), prepared: $1 the admin (their drafts).
struct DefaultListPage: PreparedRowStatement {
    static let sql = RequestQueries.defaultView?.page.sql ?? ""
    static let bindingDataTypes: [PostgresDataType] = [.uuid]
    var bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
}

/// The counts per status of a tenant admin's default view, prepared: $1 the admin.
struct DefaultListCounts: PreparedRowStatement {
    static let sql = RequestQueries.defaultView?.counts.sql ?? ""
    static let bindingDataTypes: [PostgresDataType] = [.uuid]
    var bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
}
