import Contracts
import Domain
import Foundation
import HTTPTypes
import PostgresNIO
import Store
import Testing
@testable import WorkerService

/// Giving a request back to its queue (`DELETE …/assignee`), through the gateway, the worker and
/// the assignment sweep, against the real broker and database.
@Suite("Releasing an assignment", .timeLimit(.minutes(3)))
struct AssignmentReleaseTests {
    static func assignee(_ reply: API.Reply) throws -> String? {
        (try reply.json()["assigned_to"] as? [String: Any])?["admin_id"] as? String
    }

    /// Who has the request now, read from the database (nil: nobody), and whom it was released from.
    static func holders(_ id: UUID, _ environment: SliceStack.Environment) async throws -> (assignee: String?, releasedFrom: String?) {
        try await WorkerTestSupport.owner(environment) { db in
            let row = try await db.client.query("SELECT assigned_to, released_from FROM service_requests WHERE id = \(id)").collect().first
            let (assignee, released) = try #require(row).decode((UUID?, UUID?).self)
            return (assignee?.uuidString.lowercased(), released?.uuidString.lowercased())
        }
    }

    /// Runs the assignment sweep a few times (another test's sweep may run meanwhile).
    static func sweep(_ environment: SliceStack.Environment, rounds: Int = 3) async throws {
        let database = Database(configuration: WorkerTestSupport.app(environment), logger: SliceStack.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            for _ in 0..<rounds { _ = try await Triage(database: database, logger: SliceStack.logger).sweep(pageSize: 1000) }
        }
    }

    @Test("an engineer gives a request back; the sweep gives it to someone else; a manager releases anyone's; nobody else can")
    func release() async throws {
        let environment = try await SliceStack.shared.start()
        try await withGateway { client in
            let api = API(client: client)
            let w = try await PartnerWorld.build(api, environment: environment)
            let suffix = String(UUID().uuidString.prefix(6)).lowercased()
            let queue = try await WorkerTestSupport.privateQueue(language: "nl", category: "licensing", environment: environment)
            var tokens: [String: String] = [:]
            for name in ["Aino", "Eero"] {
                let member = Member(name, "support_engineer", suffix)
                let id = try await api.createAdmin(w.operatorToken, tenant: w.vendor, member)
                tokens[id] = try await api.login(member.email, Member.password).access
                try await WorkerTestSupport.addMember(id, to: queue, languages: ["nl"], environment: environment)
            }
            let request = try await WorkerTestSupport.submit(api, w, language: "nl", summary: "Licenties ontbreken", category: "licensing")
            let path = "/v1/tenants/\(w.c1)/requests/\(request.uuidString.lowercased())"
            #expect(try await WorkerTestSupport.eventually { try await Self.holders(request, environment).assignee != nil })
            let first = try #require(try await Self.holders(request, environment).assignee)
            let second = try #require(tokens.keys.first { $0 != first })
            let firstToken = try #require(tokens[first]), secondToken = try #require(tokens[second])
            // A second request goes to the other engineer (less open work): after the release
            // below, the first has less open work than the second.
            let other = try await WorkerTestSupport.submit(api, w, language: "nl", summary: "Nog een", category: "licensing")
            #expect(try await WorkerTestSupport.eventually { try await Self.holders(other, environment).assignee != nil })
            #expect(try await Self.holders(other, environment).assignee == second)

            // Nobody outside support releases it: not the requester, not another tenant's admin.
            #expect(try await api.send(.delete, "\(path)/assignee", token: w.ta1Token).status == 403)
            let foreign = try await api.send(.delete, "\(path)/assignee", token: w.ta2Token).status
            #expect([403, 404].contains(foreign), "\(foreign)")
            // Another engineer may not release it; a stale ETag is refused. None of it changed anything.
            let read = try await api.send(.get, path, token: firstToken)
            let notTheirs = try await api.send(.delete, "\(path)/assignee", token: secondToken)
            #expect(notTheirs.status == 403, "\(notTheirs.body)")
            #expect(try notTheirs.json()["detail"] as? String == "the request is assigned to someone else: only a support manager releases it")
            #expect(try await api.send(.delete, "\(path)/assignee", token: firstToken, headers: ["If-Match": "\"v1\""]).status == 412)
            #expect(try await api.send(.get, path, token: firstToken).etag == read.etag)

            // The engineer gives it back.
            let released = try await api.send(.delete, "\(path)/assignee", token: firstToken, headers: ["If-Match": read.etag ?? ""])
            #expect(released.status == 200, "\(released.body)")
            #expect(try Self.assignee(released) == nil)
            #expect(released.etag != read.etag)
            let again = try await api.send(.delete, "\(path)/assignee", token: firstToken)
            #expect(again.status == 200 && again.etag == released.etag, "releasing it again changes nothing")
            #expect(try await WorkerTestSupport.timelineCounts("released", of: [request], environment: environment)[request] == 1)
            #expect(try await WorkerTestSupport.outboxCounts(RequestEvent.released, of: [request], environment: environment)[request] == 1)
            // The requester sees who had it.
            let timeline = try await api.send(.get, path, token: w.ta1Token).json()["timeline"] as? [[String: Any]] ?? []
            let entry = try #require(timeline.first { $0["kind"] as? String == "released" })
            #expect((entry["data"] as? [String: Any])?["assignee_id"] as? String == first, "\(entry)")

            // The sweep gives it to the other engineer, although the first now has less open work
            // (none against one).
            try await Self.sweep(environment)
            #expect(try await Self.holders(request, environment) == (second, nil))

            // The first engineer cannot take it off the second; a manager can, and the second hears
            // of it. With the first engineer gone from the queue beforehand, only the one it was
            // released from could take it: it waits.
            let manager = try await SupportWorkTests.manager(api, w)
            #expect(try await api.send(.delete, "\(path)/assignee", token: firstToken).status == 403)
            try await WorkerTestSupport.owner(environment) { db in
                try await db.client.query("""
                    UPDATE support_queue_members SET active = false WHERE queue_id = \(queue) AND admin_id = \(try #require(UUID(uuidString: first)))
                    """)
            }
            let byManager = try await api.send(.delete, "\(path)/assignee", token: manager.token)
            #expect(byManager.status == 200, "\(byManager.body)")
            #expect(try await Self.holders(request, environment) == (nil, second))
            let told = try await WorkerTestSupport.eventually {
                try await NotificationTests.feed(api, secondToken).contains {
                    $0["request_id"] as? String == request.uuidString.lowercased() && $0["kind"] as? String == "assigned"
                        && ($0["detail"] as? String)?.hasPrefix("released") == true
                }
            }
            #expect(told, "the engineer hears that a manager released their request")
            try await Self.sweep(environment, rounds: 1)
            #expect(try await Self.holders(request, environment) == (nil, second))
            // Taking it by hand is always possible, and ends the release.
            let taken = try await api.send(.put, "\(path)/assignee", token: secondToken, json: #"{"admin_id":"\#(second)"}"#)
            #expect(taken.status == 200, "\(taken.body)")
            #expect(try await Self.holders(request, environment) == (second, nil))

            // A resolved request keeps its engineer.
            let resolved = try await api.send(.post, "\(path)/transitions", token: secondToken,
                                              json: #"{"transition":"resolve","resolution_summary":"Opnieuw toegewezen"}"#)
            #expect(resolved.status == 200, "\(resolved.body)")
            let late = try await api.send(.delete, "\(path)/assignee", token: secondToken)
            #expect(late.status == 409, "\(late.body)")
            #expect(try late.json()["type"] as? String == ProblemType.invalidTransition)
        }
    }
}
