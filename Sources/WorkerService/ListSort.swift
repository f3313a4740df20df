/// How a list is ordered: by a timestamp column, or by a computed key.
///
/// Either way a page's cursor carries the last row's key as a bigint (`TimeKey` for a
/// timestamp). A list sorted by a timestamp is ordered, and its cursor compared, by the column
/// itself, so that an index on (tenant, column, id) serves the page and the read stops after its
/// rows: a tenant's newest unresolved requests are read as they stand in
/// `service_requests_tenant_open_created`, not found among all its unresolved requests and
/// sorted.
enum ListSort: Sendable {
    /// Ordered by a timestamp column that is never NULL.
    case time(String)
    /// Ordered by a timestamp column that is NULL in some rows (a draft's response due time):
    /// NULL sorts after every time, as PostgreSQL sorts it by default (last ascending, first
    /// descending), and a cursor after such a row carries `Int64.max` (any key from 2^53 up
    /// stands for it, the far-future key of earlier releases included).
    case timeOrNull(String)
    /// Ordered by the bigint key computed by the expression.
    case key(String)

    /// The bigint key of a row, selected as `sort_key` for the cursor.
    var key: String {
        switch self {
        case .time(let column): TimeKey.of(column)
        case .timeOrNull(let column): "coalesce(\(TimeKey.of(column)), \(Int64.max))"
        case .key(let expression): expression
        }
    }

    /// What the rows are ordered by.
    var order: String {
        switch self {
        case .time(let column), .timeOrNull(let column): column
        case .key(let expression): expression
        }
    }

    /// Whether a cursor's key can be one of this sort's (`TimeKey.accepts` for a time; for a
    /// time or NULL, any key from 2^53 up stands for NULL).
    func accepts(_ key: Int64) -> Bool {
        switch self {
        case .time: TimeKey.accepts(key)
        case .timeOrNull: TimeKey.accepts(key) || key >= 1 << 53
        case .key: true
        }
    }

    /// The keyset condition for the rows after `cursor`, its values bound into `query`.
    /// `nullsListed` says whether the list can hold rows whose column is NULL (for
    /// `.timeOrNull`: only drafts have none, so only a list of drafts needs the longer condition
    /// that an index cannot bound).
    func after(_ cursor: ListCursor, descending: Bool, nullsListed: Bool, in query: inout QueryBuilder) -> String {
        let id = query.bind(cursor.id)
        let comparison = descending ? "<" : ">"
        switch self {
        case .key(let expression):
            return "(\(expression), r.id) \(comparison) (\(query.bind(cursor.key)), \(id))"
        case .time(let column):
            return "(\(column), r.id) \(comparison) (\(TimeKey.instant(query.bind(cursor.key))), \(id))"
        case .timeOrNull(let column):
            if cursor.key >= 1 << 53 {
                // After a row without a time: ascending, only such rows are left; descending,
                // the rest of them and then every row with a time.
                return descending ? "(\(column) IS NOT NULL OR r.id < \(id))" : "(\(column) IS NULL AND r.id > \(id))"
            }
            let rows = "(\(column), r.id) \(comparison) (\(TimeKey.instant(query.bind(cursor.key))), \(id))"
            // Descending, the rows without a time came first; ascending, they are still to come.
            return descending || !nullsListed ? rows : "(\(rows) OR \(column) IS NULL)"
        }
    }
}
