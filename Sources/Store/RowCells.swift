import PostgresNIO

/// Reads a row's cells in their order, each checked against the name of the column expected
/// there: cheaper than looking every column up by name (`makeRandomAccess`), and a SELECT and
/// its reader that drift apart fail with an error instead of decoding the wrong column.
public struct RowCells {
    private var iterator: PostgresRow.Iterator

    public init(_ row: PostgresRow) {
        iterator = row.makeIterator()
    }

    /// The next cell, which must be `column`, decoded as `T`.
    public mutating func next<T: PostgresDecodable>(_ column: String, _ type: T.Type = T.self) throws -> T {
        guard let cell = iterator.next() else { throw RowShapeError(expected: column, found: nil) }
        guard cell.columnName == column else { throw RowShapeError(expected: column, found: cell.columnName) }
        return try cell.decode(T.self)
    }
}

/// A row whose columns are not the ones its reader expects, in that order.
public struct RowShapeError: Error, CustomStringConvertible {
    public var expected: String
    public var found: String?

    public var description: String {
        "expected column \(expected), found \(found.map { "column \($0)" } ?? "the end of the row")"
    }
}
