import Contracts
import Crypto
import Domain
import Foundation
import Logging
import Messaging
import PostgresNIO
import Store

/// Attachments: checked by content against the allow-list, limited per file and per request,
/// stored with their SHA-256, and readable by whoever may read the request (internal ones by
/// support only). Adding one does not change the request's version (its ETag): a draft being
/// edited elsewhere is not made stale by a file.
struct RequestAttachments: Sendable {
    let database: Database
    let idempotency: Idempotency
    let outbox: Outbox
    let limits: AttachmentLimits
    let logger: Logger

    func upload(_ request: UploadAttachmentMethod.Request) async throws -> AttachmentView {
        let context = request.context
        let id = try requestID(request.requestID)
        guard ["public", "internal"].contains(request.visibility) else {
            throw WorkerProblems.invalid("visibility must be public or internal")
        }
        guard request.visibility == "public" || context.side == .support else {
            throw RPCProblem(
                status: 422, type: ProblemType.fieldNotAllowed, title: "Field not allowed", detail: "only support adds internal attachments")
        }
        guard let safeName = AttachmentSniffer.safeFileName(request.fileName) else {
            throw WorkerProblems.invalid("filename must name the file, e.g. screenshot.png")
        }
        let size = request.content.count
        guard size <= limits.perFile else { throw Self.tooLarge("an attachment may have at most \(limits.perFile) bytes") }
        let kind: AttachmentSniffer.Kind
        switch AttachmentSniffer.sniff(request.content) {
        case .success(let sniffed): kind = sniffed
        case .failure(.empty): throw WorkerProblems.invalid(AttachmentSniffer.Refusal.empty.detail)
        case .failure(let refusal):
            throw RPCProblem(status: 415, type: ProblemType.attachmentTypeNotAllowed, title: "Attachment type not allowed", detail: refusal.detail)
        }
        let fileName = AttachmentSniffer.storedName(safeName, kind: kind)
        let digest = Data(SHA256.hash(data: request.content))
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        let attachmentID = UUID()
        let view: AttachmentView = try await idempotency.run(
            context, key: request.idempotencyKey, operation: "attachment.upload",
            fingerprint: [request.requestID, fileName, request.visibility, hex]
        ) { connection in
            let record = try await RequestQueries.load(id, context: context, forUpdate: true, on: connection, logger: logger)
            guard record.status == .draft || record.status.isUnresolved else {
                throw RPCProblem(
                    status: 409, type: ProblemType.invalidTransition, title: "Request not open",
                    detail: "attachments can be added to drafts and unresolved requests only (status \(record.status.rawValue))")
            }
            let used = try await connection.query(
                "SELECT attachment_bytes FROM service_requests WHERE id = \(id)", logger: logger).collect().first?.decode(Int.self) ?? 0
            guard used + size <= limits.perRequest else {
                throw Self.tooLarge("a request's attachments may have at most \(limits.perRequest) bytes in all")
            }
            let now = Date()
            try await connection.query("""
                INSERT INTO request_attachments (id, tenant_id, request_id, visibility, file_name, media_type, size_bytes, sha256,
                                                 content, uploaded_by, uploaded_by_name, uploader_side, via_relationship, created_at)
                VALUES (\(attachmentID), tenantdesk_current_tenant(), \(id), \(request.visibility), \(fileName), \(kind.mediaType),
                        \(size), \(digest), \(request.content), \(try context.admin()), \(context.adminName), \(context.side.rawValue),
                        \(context.relationship), \(now))
                """, logger: logger)
            let internalOnly = request.visibility == "internal"
            // An internal attachment leaves no trace the customer could see (not even updated_at).
            try await connection.query("""
                UPDATE service_requests SET attachment_bytes = attachment_bytes + \(size),
                    updated_at = CASE WHEN \(internalOnly) THEN updated_at ELSE \(now) END
                WHERE id = \(id)
                """, logger: logger)
            try await RequestTimeline.record(
                "attachment_added", request: id, context: context, internalOnly: internalOnly,
                data: ["attachmentId": attachmentID.text, "fileName": fileName, "sizeBytes": String(size)],
                on: connection, logger: logger)
            if record.status != .draft {
                try await Outbox.enqueue(
                    RequestEvent.attachmentAdded, record.event(actor: context.adminID, at: now, visibility: request.visibility),
                    on: connection, logger: logger)
            }
            return AttachmentView(
                id: attachmentID.text, fileName: fileName, mediaType: kind.mediaType, sizeBytes: size, sha256: hex,
                visibility: request.visibility,
                uploadedBy: ActorView(adminID: context.adminID, name: context.adminName, side: context.side.rawValue),
                viaRelationshipID: context.viaRelationshipID, createdAt: now)
        }
        outbox.wake()
        return view
    }

    func download(_ request: DownloadAttachmentMethod.Request) async throws -> DownloadAttachmentMethod.Response {
        let context = request.context
        let id = try requestID(request.requestID)
        let attachment = try requestID(request.attachmentID)
        return try await database.withTenantTransaction(try context.tenant(), supportAudience: context.supportAudience) { connection in
            _ = try await RequestQueries.load(id, context: context, forUpdate: false, on: connection, logger: logger)
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.columns), content FROM request_attachments WHERE id = \(attachment) AND request_id = \(id)",
                logger: logger).collect()
            guard let row = rows.first else { throw WorkerProblems.notFound }
            return .init(attachment: try Self.view(row), content: try row.makeRandomAccess()["content"].decode(Data.self))
        }
    }

    /// The attachments of a request the transaction's audience may see, oldest first.
    static func list(of request: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [AttachmentView] {
        let rows = try await connection.query(
            "SELECT \(unescaped: columns) FROM request_attachments WHERE request_id = \(request) ORDER BY created_at, id",
            logger: logger)
        var views: [AttachmentView] = []
        for try await row in rows { views.append(try view(row)) }
        return views
    }

    static let columns = """
        id, file_name, media_type, size_bytes, sha256, visibility, uploaded_by, uploaded_by_name, uploader_side,
        via_relationship, created_at
        """

    static func view(_ row: PostgresRow) throws -> AttachmentView {
        let (id, name, type, size, digest, visibility, by, byName, side, via, at) = try row.decode(
            (UUID, String, String, Int, Data, String, UUID, String, String, UUID?, Date).self)
        return AttachmentView(
            id: id.text, fileName: name, mediaType: type, sizeBytes: size, sha256: digest.map { String(format: "%02x", $0) }.joined(),
            visibility: visibility, uploadedBy: ActorView(adminID: by.text, name: byName, side: side),
            viaRelationshipID: via?.text, createdAt: at)
    }

    static func tooLarge(_ detail: String) -> RPCProblem {
        RPCProblem(status: 413, type: ProblemType.payloadTooLarge, title: "Payload too large", detail: detail)
    }
}

/// Size limits of attachments, in bytes.
public struct AttachmentLimits: Sendable {
    public var perFile: Int
    public var perRequest: Int
    public init(perFile: Int = 25 << 20, perRequest: Int = 100 << 20) {
        self.perFile = perFile
        self.perRequest = perRequest
    }
}
