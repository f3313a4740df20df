import Contracts
import Domain
import Foundation
import OpenAPIRuntime

/// Attachments of service requests: the file itself is the body, and comes back as a download.
extension APIHandler {
    func uploadAttachment(_ input: Operations.UploadAttachment.Input) async throws -> Operations.UploadAttachment.Output {
        let context = try await acting(.requestComment, in: input.path.tenantId)
        guard case .binary(let body) = input.body else { throw APIProblem.malformed("send the file as the body") }
        // A file of many megabytes takes milliseconds to collect and encode: not on the event loop.
        return try await withTaskExecutorPreference(globalConcurrentExecutor) {
            let content: Data
            do {
                content = try await Data(collecting: body, upTo: attachmentMaxBytes)
            } catch {
                throw APIProblem(
                    status: 413, type: ProblemType.payloadTooLarge, title: "Payload too large",
                    detail: "an attachment may have at most \(attachmentMaxBytes) bytes")
            }
            let attachment = try await call(UploadAttachmentMethod.self, .init(
                context: context, requestID: input.path.requestId, idempotencyKey: input.headers.idempotencyKey,
                fileName: input.query.filename, visibility: input.query.visibility?.rawValue ?? "public", content: content),
                timeout: .seconds(60))
            return .created(.init(body: .json(.init(attachment))))
        }
    }

    func downloadAttachment(_ input: Operations.DownloadAttachment.Input) async throws -> Operations.DownloadAttachment.Output {
        let context = try await acting(.requestRead, in: input.path.tenantId)
        // Decoding a file of many megabytes takes milliseconds: not on the event loop.
        let file = try await withTaskExecutorPreference(globalConcurrentExecutor) {
            try await call(DownloadAttachmentMethod.self, .init(
                context: context, requestID: input.path.requestId, attachmentID: input.path.attachmentId), timeout: .seconds(60))
        }
        let digest = Data(hex: file.attachment.sha256)?.base64EncodedString() ?? ""
        return .ok(.init(
            headers: .init(
                contentDisposition: Self.contentDisposition(file.attachment.fileName), xContentTypeOptions: "nosniff",
                reprDigest: "sha-256=:\(digest):"),
            body: .binary(HTTPBody(file.content))))
    }

    /// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (RFC 6266).
    static func contentDisposition(_ name: String) -> String {
        let fallback = String(name.unicodeScalars.map { $0.isASCII && $0 != "\\" && $0 != "\"" && $0.value >= 0x20 ? Character($0) : "_" })
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "!#$&+-.^_`|~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? fallback
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}

extension Data {
    /// Bytes from a hex string; nil when it is not one.
    init?(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}

extension Components.Schemas.Attachment {
    init(_ attachment: AttachmentView) {
        self.init(
            id: attachment.id, fileName: attachment.fileName, mediaType: attachment.mediaType, sizeBytes: attachment.sizeBytes,
            sha256: attachment.sha256, visibility: .init(rawValue: attachment.visibility) ?? ._internal,
            uploadedBy: .init(attachment.uploadedBy), viaRelationshipId: attachment.viaRelationshipID, createdAt: attachment.createdAt)
    }
}
