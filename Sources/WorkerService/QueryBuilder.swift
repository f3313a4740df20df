import PostgresNIO

/// Builds a query from parts chosen at run time (filters, sort), numbering the bind
/// parameters as they are added. Values are always bound, never spliced into the text.
struct QueryBuilder {
    private(set) var sql = ""
    /// The values bound so far, in order.
    private(set) var binds = PostgresBindings()

    init(_ sql: String = "") {
        self.sql = sql
    }

    /// Appends trusted SQL text (never user input).
    mutating func append(_ text: String) {
        sql += text
    }

    /// Binds `value`; returns its placeholder (`$n`).
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}
