import Contracts
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// Reading requests: one with its timeline and thread, and the filtered, sorted, paged list.
/// A draft is visible to the admin who started it only, and never to support; a draft past its
/// expiry is gone.
struct RequestQueries: Sendable {
    let database: Database
    let catalogue: SupportCatalogue
    let logger: Logger

    /// Appends the condition under which the caller sees request `r`.
    static func appendVisible(_ context: ActingContext, to query: inout QueryBuilder) {
        if context.side == .support {
            query.append("r.status <> 'draft'")
        } else {
            let admin = query.bind(UUID(uuidString: context.adminID) ?? UUID())
            query.append("(r.status <> 'draft' OR (\(ownDraft(admin))))")
        }
    }

    /// The condition that a draft is the admin's (bound as `admin`) and not expired: the only
    /// drafts anyone sees.
    static func ownDraft(_ admin: String) -> String {
        "r.requested_by = \(admin) AND r.draft_expires_at > now()"
    }

    static func load(
        _ id: UUID, context: ActingContext, forUpdate: Bool, on connection: PostgresConnection, logger: Logger
    ) async throws -> RequestRecord {
        let support = context.side == .support
        let admin = support ? nil : UUID(uuidString: context.adminID) ?? UUID()
        let rows = forUpdate
            ? try await connection.execute(LockVisibleRequest(id: id, support: support, admin: admin), logger: logger)
            : try await connection.execute(LoadVisibleRequest(id: id, support: support, admin: admin), logger: logger)
        for try await row in rows { return try RequestRecord(row: row) }
        throw WorkerProblems.notFound
    }

    func get(_ request: GetRequestMethod.Request) async throws -> ServiceRequestDetail {
        let context = request.context
        let id = try requestID(request.requestID)
        return try await database.withReadOnlyTenantTransaction(try context.tenant(), supportAudience: context.supportAudience) { connection in
            let record = try await Self.load(id, context: context, forUpdate: false, on: connection, logger: logger)
            let timeline = try await RequestTimeline.entries(of: id, on: connection, logger: logger)
            let messages = try await RequestThread.messages(of: id, on: connection, logger: logger)
            let attachments = try await RequestAttachments.list(of: id, on: connection, logger: logger)
            let changes = try await SeverityChanges.list(of: id, on: connection, logger: logger)
            let survey = try await Surveys.load(of: id, on: connection, logger: logger)
            // A draft shows the target it would get if submitted now, as its create and edit do.
            let preview = try await catalogue.preview(record, on: connection)
            return ServiceRequestDetail(
                request: record.view(side: context.side, now: Date(), preview: preview), timeline: timeline, messages: messages, attachments: attachments,
                severityChanges: changes, survey: survey)
        }
    }

    /// A page of the list, with its counts per status.
    func list(_ request: ListRequestsMethod.Request) async throws -> ListRequestsMethod.Response {
        try await page(request, items: [ServiceRequestView](), render: { $0.append($1) }) { page in
            .init(items: page.items, nextCursor: page.nextCursor, counts: page.counts)
        }
    }

    /// The same page as the API's JSON (`ServiceRequestList`); each item is written as its row
    /// arrives. `answer` gets the page as soon as it is complete, on the database connection's
    /// thread, before the read's COMMIT is sent.
    func listJSON(
        _ request: ListRequestsMethod.Request, answer: ([UInt8]) -> Void = { _ in }
    ) async throws -> [UInt8] {
        let items = ServiceRequestListJSON.ItemsWriter(expected: request.limit)
        return try await page(request, items: items, render: { $0.append($1) }) { page in
            let json = ServiceRequestListJSON.bytes(itemsJSON: page.items.finished(), nextCursor: page.nextCursor, counts: page.counts)
            answer(json)
            return json
        }
    }

    struct Page<Items: Sendable>: Sendable {
        var items: Items
        var nextCursor: String?
        var counts: [String: Int]
    }

    /// Reads a page, handing each request to `render` as its row arrives (the first rows are
    /// decoded and written while PostgreSQL still reads the next), and returns what `finish`
    /// makes of the rendered items with the counts per status (`finish` runs inside the read, on
    /// the connection's event loop).
    private func page<Items: Sendable, Output: Sendable>(
        _ request: ListRequestsMethod.Request, items start: Items, render: (inout Items, ServiceRequestView) -> Void,
        finish: (Page<Items>) -> Output
    ) async throws -> Output {
        let context = request.context
        let statements = try Self.listStatements(request)
        return try await database.withReadOnlyTenantTransaction(
            try context.tenant(), supportAudience: context.supportAudience, readTenants: statements.readTenants,
            supportScope: request.scope == .support
        ) { connection in
            // The counts are queued right behind the page (PostgresNIO sends the next statement as
            // soon as the previous answer is complete): PostgreSQL counts while the last rows are
            // decoded and written here.
            async let countRows = Self.rows(of: statements.counts, on: connection, logger: logger)
            let now = Date()
            var items = start
            var count = 0
            var last: ListCursor?
            var hasMore = false
            try await Self.forEachRow(of: statements.page, on: connection, logger: logger) { row in
                // The page reads one row more than it shows, to tell whether there is a next page.
                guard count < request.limit else {
                    hasMore = true
                    return
                }
                var cells = RowCells(row)
                let record = try RequestRecord(cells: &cells)
                render(&items, record.view(side: context.side, now: now))
                count += 1
                last = ListCursor(sort: request.sort, key: try cells.next("sort_key", Int64.self), id: record.id)
            }
            var counts: [String: Int] = [:]
            for row in try await countRows {
                let (status, count) = try row.decode((String, Int).self)
                counts[status] = count
            }
            return finish(Page(items: items, nextCursor: hasMore ? last?.encoded : nil, counts: counts))
        }
    }
}

/// The position after the last item of a page: the sort it belongs to, its sort key and id.
struct ListCursor: Sendable {
    var sort: String
    var key: Int64
    var id: UUID

    var encoded: String { Data("\(sort):\(key):\(id.text)".utf8).base64EncodedString() }

    init(sort: String, key: Int64, id: UUID) {
        self.sort = sort
        self.key = key
        self.id = id
    }

    /// Decodes a cursor of a page sorted by `sort`; a cursor of another sort is refused.
    init(encoded: String, sort: String) throws(RPCProblem) {
        guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8) else {
            throw WorkerProblems.invalid("cursor is not valid")
        }
        let parts = text.split(separator: ":", maxSplits: 2)
        guard parts.count == 3, let key = Int64(parts[1]), let id = UUID(uuidString: String(parts[2])) else {
            throw WorkerProblems.invalid("cursor is not valid")
        }
        guard parts[0] == sort else { throw WorkerProblems.invalid("cursor belongs to another sort order: keep the same sort") }
        self.init(sort: sort, key: key, id: id)
    }
}
