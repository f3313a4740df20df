import Foundation
import PostgresNIO

/// Reads a row's cells in their order, each checked against the name of the column expected
/// there: cheaper than looking every column up by name (`makeRandomAccess`), and a SELECT and
/// its reader that drift apart fail with an error instead of decoding the wrong column.
///
/// The common column types (text, uuid, timestamps, integers, with or without NULL) have their
/// own overloads of `next`, which call PostgresNIO's decoders for those types directly: the
/// generic path (`PostgresCell.decode`) is not specialised across modules and looks up type
/// metadata for every cell, which made decoding a page the largest part of a list read.
public struct RowCells {
    private var iterator: PostgresRow.Iterator

    public init(_ row: PostgresRow) {
        iterator = row.makeIterator()
    }

    /// The next cell, which must be `column`, decoded as `T`.
    public mutating func next<T: PostgresDecodable>(_ column: String, _ type: T.Type = T.self) throws -> T {
        try cell(column).decode(T.self)
    }

    public mutating func next(_ column: String, _ type: String.Type = String.self) throws -> String {
        try required(column, next(column, String?.self))
    }

    public mutating func next(_ column: String, _ type: String?.Type = String?.self) throws -> String? {
        try decode(cell(column)) { buffer, cell in try String(from: &buffer, type: cell.dataType, format: cell.format, context: .default) }
    }

    public mutating func next(_ column: String, _ type: UUID.Type = UUID.self) throws -> UUID {
        try required(column, next(column, UUID?.self))
    }

    public mutating func next(_ column: String, _ type: UUID?.Type = UUID?.self) throws -> UUID? {
        try decode(cell(column)) { buffer, cell in try UUID(from: &buffer, type: cell.dataType, format: cell.format, context: .default) }
    }

    public mutating func next(_ column: String, _ type: Date.Type = Date.self) throws -> Date {
        try required(column, next(column, Date?.self))
    }

    public mutating func next(_ column: String, _ type: Date?.Type = Date?.self) throws -> Date? {
        try decode(cell(column)) { buffer, cell in try Date(from: &buffer, type: cell.dataType, format: cell.format, context: .default) }
    }

    public mutating func next(_ column: String, _ type: Int.Type = Int.self) throws -> Int {
        try required(column, next(column, Int?.self))
    }

    public mutating func next(_ column: String, _ type: Int?.Type = Int?.self) throws -> Int? {
        try decode(cell(column)) { buffer, cell in try Int(from: &buffer, type: cell.dataType, format: cell.format, context: .default) }
    }

    public mutating func next(_ column: String, _ type: Int64.Type = Int64.self) throws -> Int64 {
        try required(column, decode(cell(column)) { buffer, cell in
            try Int64(from: &buffer, type: cell.dataType, format: cell.format, context: .default)
        })
    }

    private mutating func cell(_ column: String) throws -> PostgresCell {
        guard let cell = iterator.next() else { throw RowShapeError(expected: column, found: nil) }
        guard cell.columnName == column else { throw RowShapeError(expected: column, found: cell.columnName) }
        return cell
    }

    /// The cell's value, nil for NULL; a value that does not decode is a `RowCellError`.
    private func decode<T>(_ cell: PostgresCell, _ body: (inout ByteBuffer, PostgresCell) throws -> T) throws -> T? {
        guard var buffer = cell.bytes else { return nil }
        do {
            return try body(&buffer, cell)
        } catch {
            throw RowCellError(column: cell.columnName, dataType: cell.dataType, wanted: "\(T.self)")
        }
    }

    private func required<T>(_ column: String, _ value: T?) throws -> T {
        guard let value else { throw RowCellError(column: column, dataType: nil, wanted: "\(T.self) (found NULL)") }
        return value
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

/// A cell that does not decode as the type its reader wants.
public struct RowCellError: Error, CustomStringConvertible {
    public var column: String
    public var dataType: PostgresDataType?
    public var wanted: String

    public var description: String {
        "column \(column)\(dataType.map { " (\($0))" } ?? "") does not decode as \(wanted)"
    }
}
