import Foundation
import HTTPTypes
import PostgresNIO
import Store
import Testing

/// Cursor pages of lists sorted by a timestamp, which are ordered and compared by the column
/// itself while their cursors carry microseconds.
@Suite struct ListCursorTests {
    @Test("pages by created or updated time hold every request once, in order, through equal times and times a microsecond apart")
    func timePagesAreExact() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)/requests"
            var submitted: [String] = []
            for index in 0..<5 {
                submitted.append(try await ServiceRequestFlowTests.submitted(api, w, summary: "Request \(index)"))
            }
            let ids = submitted
            // Offsets in µs from one instant: two pairs share a time (their ids decide), the
            // others are a microsecond apart. Updated times run the other way round.
            let offsets: [Int64] = [0, 0, 1, -1, 1]
            let instant: Int64 = 1_772_366_400_000_001  // 2026-03-01 12:00:00.000001 UTC
            try await Database.with(environment.owner, logger: SliceStack.logger) { owner in
                for (id, offset) in zip(ids, offsets) {
                    let uuid = try #require(UUID(uuidString: id))
                    let created = instant + offset
                    let updated = instant - offset
                    try await owner.client.query("""
                        UPDATE service_requests
                        SET created_at = 'epoch'::timestamptz + \(created) * interval '1 microsecond',
                            updated_at = 'epoch'::timestamptz + \(updated) * interval '1 microsecond'
                        WHERE id = \(uuid)
                        """)
                }
            }
            // PostgreSQL orders uuids by their bytes, as their lowercase text sorts.
            let rows = zip(ids, offsets).map { (id: $0.0.lowercased(), offset: $0.1) }
            let byCreated = rows.sorted { ($0.offset, $0.id) < ($1.offset, $1.id) }.map(\.id)
            let byUpdated = rows.sorted { (-$0.offset, $0.id) < (-$1.offset, $1.id) }.map(\.id)

            func paged(_ sort: String) async throws -> [String] {
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let query = "?status=all&limit=1&sort=\(sort)" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let reply = try await api.send(.get, base + query, token: w.ta1Token)
                    #expect(reply.status == 200, "\(query): \(reply.body)")
                    seen += (try reply.json()["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String)?.lowercased() }
                    cursor = try reply.json()["next_cursor"] as? String
                } while cursor != nil && seen.count < 20
                return seen
            }
            #expect(try await paged("created") == byCreated)
            #expect(try await paged("-created") == byCreated.reversed())
            #expect(try await paged("updated") == byUpdated)
            #expect(try await paged("-updated") == byUpdated.reversed())

            // The default view, a page of two at a time, newest first.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let reply = try await api.send(.get, base + "?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: w.ta1Token)
                seen += (try reply.json()["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String)?.lowercased() }
                cursor = try reply.json()["next_cursor"] as? String
            } while cursor != nil && seen.count < 20
            #expect(seen == byCreated.reversed())
        }
    }

    @Test("a forged cursor outside the times a server writes is refused as invalid, not failed")
    func forgedTimeCursor() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let base = "/v1/tenants/\(w.c1)/requests"
            _ = try await ServiceRequestFlowTests.submitted(api, w)
            func cursor(_ sort: String, _ key: Int64) -> String {
                let text = Data("\(sort):\(key):\(UUID().uuidString.lowercased())".utf8).base64EncodedString()
                return text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
            }
            for key in [Int64.max, Int64.min, 1 << 53, -(1 << 53)] {
                let reply = try await api.send(.get, "\(base)?sort=-created&cursor=\(cursor("-created", key))", token: w.ta1Token)
                #expect(reply.status == 422, "\(key): \(reply.body)")
            }
            // A key a server could have written is a position like any other: before 1970,
            // nothing is older.
            let early = try await api.send(.get, "\(base)?sort=-created&cursor=\(cursor("-created", -1))", token: w.ta1Token)
            #expect(early.status == 200)
            #expect((try early.json()["items"] as? [[String: Any]])?.isEmpty == true)
            let late = try await api.send(.get, "\(base)?sort=-updated&cursor=\(cursor("-updated", (1 << 53) - 1))", token: w.ta1Token)
            #expect((try late.json()["items"] as? [[String: Any]])?.count == 1)
        }
    }
}
