/// A timestamp as the key a page's cursor carries: microseconds since 1970, a bigint. A page
/// ordered by a timestamp is ordered, and its cursor compared, by the column itself, the key
/// turned back into an instant: an index on (…, column DESC, id DESC) then bounds the read, which
/// starts at the cursor instead of walking every earlier page again (the request lists, the
/// notification feed, a webhook's deliveries).
enum TimeKey {
    /// The key of the timestamp `column`, to select for the cursor.
    static func of(_ column: String) -> String {
        "(extract(epoch FROM \(column)) * 1000000)::bigint"
    }

    /// The instant a key bound as `parameter` stands for.
    static func instant(_ parameter: String) -> String {
        "('epoch'::timestamptz + \(parameter)::bigint * interval '1 microsecond')"
    }

    /// Whether `key` converts exactly. PostgreSQL multiplies the interval as a double, exact
    /// below 2^53 µs: the years 1685 to 2255, well around any time a server writes. A key
    /// outside that range is forged (and could overflow the interval).
    static func accepts(_ key: Int64) -> Bool {
        key.magnitude < 1 << 53
    }
}
