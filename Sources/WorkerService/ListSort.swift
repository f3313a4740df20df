/// How a list is ordered: by a timestamp column, or by a computed key.
///
/// Either way a page's cursor carries the last row's key as a bigint (microseconds since 1970
/// for a timestamp). A list sorted by a timestamp is ordered, and its cursor compared, by the
/// column itself, so that an index on (tenant, column, id) serves the page: a tenant's newest
/// unresolved requests are then read as they stand in `service_requests_tenant_open_created`,
/// not found among all its unresolved requests and sorted.
enum ListSort: Sendable {
    /// Ordered by the timestamp column named.
    case time(String)
    /// Ordered by the bigint key computed by the expression.
    case key(String)

    /// The bigint key of a row, selected as `sort_key` for the cursor.
    var key: String {
        switch self {
        case .time(let column): "(extract(epoch FROM \(column)) * 1000000)::bigint"
        case .key(let expression): expression
        }
    }

    /// What the rows are ordered and compared by.
    var order: String {
        switch self {
        case .time(let column): column
        case .key(let expression): expression
        }
    }

    /// The value a cursor's key (bound as `parameter`) stands for, to compare with `order`.
    func boundary(_ parameter: String) -> String {
        switch self {
        // PostgreSQL multiplies the interval as a double: exact for keys below 2^53 µs
        // (`accepts`), which covers the years 1685 to 2255.
        case .time: "('epoch'::timestamptz + \(parameter)::bigint * interval '1 microsecond')"
        case .key: parameter
        }
    }

    /// Whether a cursor's key can be one of this sort's: a timestamp written by the server is
    /// well inside the range that converts exactly; a key outside it is forged.
    func accepts(_ key: Int64) -> Bool {
        switch self {
        case .time: key.magnitude < 1 << 53
        case .key: true
        }
    }
}
