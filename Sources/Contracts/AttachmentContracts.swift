import Domain
import Foundation

/// An attachment of a service request, without its content.
public struct AttachmentView: Codable, Sendable, Equatable {
    public var id: String
    public var fileName: String
    /// What the content is (sniffed from the bytes, not taken from the name).
    public var mediaType: String
    public var sizeBytes: Int
    /// Hex SHA-256 of the content.
    public var sha256: String
    /// `public`, or `internal` (support only).
    public var visibility: String
    public var uploadedBy: ActorView
    public var viaRelationshipID: String?
    public var createdAt: Date
    public init(
        id: String, fileName: String, mediaType: String, sizeBytes: Int, sha256: String, visibility: String, uploadedBy: ActorView,
        viaRelationshipID: String?, createdAt: Date
    ) {
        self.id = id
        self.fileName = fileName
        self.mediaType = mediaType
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.visibility = visibility
        self.uploadedBy = uploadedBy
        self.viaRelationshipID = viaRelationshipID
        self.createdAt = createdAt
    }
}

/// `worker.attachments.upload.v1`: stores an attachment of a draft or an unresolved request.
public enum UploadAttachmentMethod: RPCMethod {
    public static let name = "worker.attachments.upload.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var requestID: String
        public var idempotencyKey: String?
        public var fileName: String
        public var visibility: String
        /// The bytes (base64 in JSON).
        public var content: Data
        public init(
            context: ActingContext, requestID: String, idempotencyKey: String?, fileName: String, visibility: String, content: Data
        ) {
            self.context = context
            self.requestID = requestID
            self.idempotencyKey = idempotencyKey
            self.fileName = fileName
            self.visibility = visibility
            self.content = content
        }
    }
    public typealias Response = AttachmentView
}

/// `worker.attachments.download.v1`: an attachment with its content.
public enum DownloadAttachmentMethod: RPCMethod {
    public static let name = "worker.attachments.download.v1"
    public static let queue = RPCQueue.worker
    public struct Request: Codable, Sendable {
        public var context: ActingContext
        public var requestID: String
        public var attachmentID: String
        public init(context: ActingContext, requestID: String, attachmentID: String) {
            self.context = context
            self.requestID = requestID
            self.attachmentID = attachmentID
        }
    }
    public struct Response: Codable, Sendable {
        public var attachment: AttachmentView
        public var content: Data
        public init(attachment: AttachmentView, content: Data) {
            self.attachment = attachment
            self.content = content
        }
    }
}
