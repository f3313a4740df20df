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
}
