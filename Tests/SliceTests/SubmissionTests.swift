import Foundation
import HTTPTypes
import Logging
import PostgresNIO
import Store
import Testing
@testable import WorkerService

/// Submission outside a transaction (`tenantdesk_submit_draft`): numbers stay unique and
/// gap-free under concurrent submissions, and the statement submits only the draft it was
/// checked against.
@Suite("Submission", .timeLimit(.minutes(3)))
struct SubmissionTests {
    static func draft(_ api: API, _ w: PartnerWorld, summary: String) async throws -> String {
        let draft = try await api.send(.post, "/v1/tenants/\(w.c1)/requests", token: w.ta1Token, json: """
            {"category":"billing","summary":"\(summary)","severity":"C","language":"en",
             "contact":{"name":"Tara","email":"tara@contoso.example"}}
            """)
        guard draft.status == 201 else { throw SliceError("draft: \(draft.status) \(draft.body)") }
        return try draft.string("id")
    }

    @Test("concurrent submissions in one tenant get distinct, gap-free numbers")
    func concurrentNumbers() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            var ids: [String] = []
            for index in 0..<12 { ids.append(try await Self.draft(api, w, summary: "Concurrent \(index)")) }
            let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
                for id in ids {
                    group.addTask {
                        let reply = try await api.send(.post, "/v1/tenants/\(w.c1)/requests/\(id)/submit", token: w.ta1Token)
                        guard reply.status == 200, let number = try reply.json()["number"] as? Int else {
                            throw SliceError("submit: \(reply.status) \(reply.body)")
                        }
                        return number
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // The tenant is new: its requests are numbered from 1, one number each, none skipped.
            #expect(numbers.sorted() == Array(1...ids.count))
        }
    }

    @Test("the submission statement submits only the draft it was checked against, once")
    func versionChecked() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let id = try #require(UUID(uuidString: try await Self.draft(api, w, summary: "Checked draft")))
            let tenant = try #require(UUID(uuidString: w.c1))
            let version = try await WorkerTestSupport.owner(environment) { db in
                try await db.client.query("SELECT version FROM service_requests WHERE id = \(id)").collect().first?.decode(Int.self)
            }
            let checked = try #require(version)
            let database = Database(configuration: WorkerTestSupport.app(environment), logger: SliceStack.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await database.client.run() }
                defer { group.cancelAll() }
                // In a transaction rolled back at the end, so that nothing is published.
                try await database.client.withConnection { connection in
                    try await connection.query("BEGIN", logger: SliceStack.logger)
                    func submit(version: Int) async throws -> [Int?] {
                        try await connection.query("""
                            SELECT number FROM tenantdesk_submit_draft(
                                \(tenant)::uuid, 'customer', \(version)::int, NULL, \(id)::uuid, 'professional', 'billing', 480,
                                now() + interval '8 hours', now() + interval '6 hours', '{}'::jsonb, now(), NULL, 'Tara',
                                'customer', NULL, '{}'::jsonb, 'request.submitted', gen_random_uuid(), '{}'::jsonb)
                            """, logger: SliceStack.logger).collect().map { try $0.decode(Int?.self) }
                    }
                    #expect(try await submit(version: checked + 1).isEmpty, "another version: nothing submitted")
                    let status = try await connection.query(
                        "SELECT status FROM service_requests WHERE id = \(id)", logger: SliceStack.logger
                    ).collect().first?.decode(String.self)
                    #expect(status == "draft")
                    #expect(try await submit(version: checked) == [1], "the checked version: submitted with the tenant's first number")
                    #expect(try await submit(version: checked).isEmpty, "submitted already: nothing more")
                    try await connection.query("ROLLBACK", logger: SliceStack.logger)
                }
            }
        }
    }
}
