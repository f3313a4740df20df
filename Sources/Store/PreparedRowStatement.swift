import PostgresNIO

/// A statement PostgreSQL parses once per connection: PostgresNIO prepares it under the type's
/// name on first use, and every later call only binds and executes it (and after a few calls
/// PostgreSQL keeps a generic plan too). For hot statements whose text never changes; rows come
/// back as `PostgresRow`s.
public protocol PreparedRowStatement: PostgresPreparedStatement where Row == PostgresRow {}

extension PreparedRowStatement {
    public func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
