import Foundation
import PostgresNIO
import Store
import Testing

@Suite("Reading a row's cells in order", .timeLimit(.minutes(1)))
struct RowCellsTests {
    @Test("cells decode in their order; a column other than the expected one, or none, is an error")
    func inOrder() async throws {
        try await Database.with(try TestDatabase.app(), logger: TestDatabase.logger) { database in
            let rows = try await database.client.query("SELECT 7 AS a, 'x'::text AS b, NULL::int AS c").collect()
            let row = try #require(rows.first)

            var cells = RowCells(row)
            #expect(try cells.next("a", Int.self) == 7)
            #expect(try cells.next("b", String.self) == "x")
            #expect(try cells.next("c", Int?.self) == nil)
            #expect(throws: RowShapeError.self) { try cells.next("d", Int?.self) }

            var skipping = RowCells(row)
            do {
                _ = try skipping.next("b", String.self)
                Issue.record("column a was read as b")
            } catch let error as RowShapeError {
                #expect(error.expected == "b" && error.found == "a")
            }
        }
    }

    @Test("the typed readers give what PostgresNIO's generic decoding gives, for each type, NULL and edge values")
    func sameAsGeneric() async throws {
        try await Database.with(try TestDatabase.app(), logger: TestDatabase.logger) { database in
            let rows = try await database.client.query("""
                SELECT 'plain'::text AS t, 'Überprüfung 日本語 "q"'::varchar(40) AS v, 'ab'::char(4) AS c, NULL::text AS tn,
                       '7e1d0000-0000-4000-8000-0000000c0a01'::uuid AS u, NULL::uuid AS un,
                       '2026-11-26 12:34:56.789012+00'::timestamptz AS d, '1970-01-01 00:00:00.000001+00'::timestamptz AS early,
                       '2000-01-01 00:00:00+00'::timestamptz AS epoch, NULL::timestamptz AS dn,
                       (-32768)::int2 AS small, 2147483647::int4 AS i4, (-9007199254740993)::int8 AS i8, NULL::int4 AS inull,
                       '7e1d0000-0000-4000-8000-0000000c0a01'::uuid AS ut
                """).collect()
            let row = try #require(rows.first)
            let generic = row.makeRandomAccess()
            var cells = RowCells(row)
            #expect(try cells.next("t", String.self) == generic["t"].decode(String.self))
            #expect(try cells.next("v", String?.self) == generic["v"].decode(String?.self))
            #expect(try cells.next("c", String.self) == generic["c"].decode(String.self))
            #expect(try cells.next("tn", String?.self) == nil)
            #expect(try cells.next("u", UUID.self) == generic["u"].decode(UUID.self))
            #expect(try cells.next("un", UUID?.self) == nil)
            #expect(try cells.next("d", Date.self) == generic["d"].decode(Date.self))
            #expect(try cells.next("early", Date?.self) == generic["early"].decode(Date?.self))
            #expect(try cells.next("epoch", Date.self) == Date(timeIntervalSince1970: 946_684_800))
            #expect(try cells.next("dn", Date?.self) == nil)
            #expect(try cells.next("small", Int.self) == -32768)
            #expect(try cells.next("i4", Int?.self) == 2_147_483_647)
            #expect(try cells.next("i8", Int64.self) == -9_007_199_254_740_993)
            #expect(try cells.next("inull", Int?.self) == nil)
            #expect(try cells.next("ut", String.self) == generic["ut"].decode(String.self), "a uuid read as text")
        }
    }

    @Test("NULL where a value is required, or a value of another type, is an error naming the column")
    func wrongValues() async throws {
        try await Database.with(try TestDatabase.app(), logger: TestDatabase.logger) { database in
            let rows = try await database.client.query("SELECT NULL::text AS a, 'not a uuid'::text AS b, 'x'::text AS c").collect()
            let row = try #require(rows.first)
            var cells = RowCells(row)
            #expect(throws: RowCellError.self) { try cells.next("a", String.self) }
            do {
                _ = try cells.next("b", UUID.self)
                Issue.record("text was read as a uuid")
            } catch let error as RowCellError {
                #expect(error.column == "b" && error.dataType == .text)
            }
            #expect(throws: RowCellError.self) { try cells.next("c", Date?.self) }
        }
    }
}
