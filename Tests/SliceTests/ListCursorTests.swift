import Foundation
import HTTPTypes
import PostgresNIO
import Store
import Testing

/// Cursor pages of lists sorted by a timestamp, which are ordered and compared by the column
/// itself while their cursors carry microseconds.
@Suite struct ListCursorTests {
    @Test("pages by created, updated or due time hold every request once, in order, through equal times, times a microsecond apart and drafts without a due time")
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
            // Two drafts of the reader's own: no due time.
            for _ in 0..<2 {
                submitted.append(try await api.send(.post, base, token: w.ta1Token, json: ServiceRequestFlowTests.enrollmentDraft).string("id"))
            }
            let ids = submitted
            // Offsets in µs from one instant: pairs share a time (their ids decide), the others
            // are a microsecond apart. Updated times run the other way round; due times are
            // another arrangement, none for the drafts.
            let offsets: [Int64] = [0, 0, 1, -1, 1, 0, -1]
            let dueOffsets: [Int64?] = [1, -1, 1, 0, 0, nil, nil]
            let instant: Int64 = 1_772_366_400_000_001  // 2026-03-01 12:00:00.000001 UTC
            try await Database.with(environment.owner, logger: SliceStack.logger) { owner in
                for ((id, offset), due) in zip(zip(ids, offsets), dueOffsets) {
                    let uuid = try #require(UUID(uuidString: id))
                    let created = instant + offset
                    let updated = instant - offset
                    let dueAt = due.map { instant + $0 }
                    try await owner.client.query("""
                        UPDATE service_requests
                        SET created_at = 'epoch'::timestamptz + \(created) * interval '1 microsecond',
                            updated_at = 'epoch'::timestamptz + \(updated) * interval '1 microsecond',
                            response_due_at = 'epoch'::timestamptz + \(dueAt) * interval '1 microsecond'
                        WHERE id = \(uuid)
                        """)
                }
            }
            // PostgreSQL orders uuids by their bytes, as their lowercase text sorts; no due time
            // sorts after every due time.
            let rows = zip(zip(ids, offsets), dueOffsets).map { (id: $0.0.0.lowercased(), offset: $0.0.1, due: $0.1 ?? .max) }
            let byCreated = rows.sorted { ($0.offset, $0.id) < ($1.offset, $1.id) }.map(\.id)
            let byUpdated = rows.sorted { (-$0.offset, $0.id) < (-$1.offset, $1.id) }.map(\.id)
            let byDue = rows.sorted { ($0.due, $0.id) < ($1.due, $1.id) }.map(\.id)

            func paged(_ query: String, limit: Int = 1) async throws -> [String] {
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let query = "?\(query)&limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let reply = try await api.send(.get, base + query, token: w.ta1Token)
                    #expect(reply.status == 200, "\(query): \(reply.body)")
                    seen += (try reply.json()["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String)?.lowercased() }
                    cursor = try reply.json()["next_cursor"] as? String
                } while cursor != nil && seen.count < 20
                return seen
            }
            #expect(try await paged("status=all&sort=created") == byCreated)
            #expect(try await paged("status=all&sort=-created") == byCreated.reversed())
            #expect(try await paged("status=all&sort=updated") == byUpdated)
            #expect(try await paged("status=all&sort=-updated") == byUpdated.reversed())
            #expect(try await paged("status=all&sort=response_due") == byDue)
            #expect(try await paged("status=all&sort=-response_due") == byDue.reversed())
            // The default view (unresolved, no drafts) two at a time, newest first; by due time.
            let unresolved = Set(ids.prefix(5).map { $0.lowercased() })
            #expect(try await paged("sort=-created", limit: 2) == byCreated.reversed().filter(unresolved.contains))
            #expect(try await paged("sort=response_due", limit: 2) == byDue.filter(unresolved.contains))
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
            // By due time, a key from 2^53 up stands for "no due time" (drafts sort last): after
            // it, ascending, only drafts are left.
            for key in [Int64.max, 253_402_214_400_000_000] {
                let afterDrafts = try await api.send(.get, "\(base)?sort=response_due&cursor=\(cursor("response_due", key))", token: w.ta1Token)
                #expect(afterDrafts.status == 200, "\(key): \(afterDrafts.body)")
                #expect((try afterDrafts.json()["items"] as? [[String: Any]])?.isEmpty == true)
            }
            let negative = try await api.send(.get, "\(base)?sort=response_due&cursor=\(cursor("response_due", Int64.min))", token: w.ta1Token)
            #expect(negative.status == 422)
        }
    }
}
