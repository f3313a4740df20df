import Foundation

/// The JSON body of a webhook delivery:
/// `{"id", "type", "tenant_id", "occurred_at", "data": {…}}`, keys sorted, dates in ISO 8601.
/// `id` is the event's id: the same in every attempt and redelivery, so receivers drop
/// duplicates by it.
enum WebhookPayload {
    enum Value: Encodable, Sendable, Equatable {
        case string(String)
        case int(Int)
        case bool(Bool)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .int(let value): try container.encode(value)
            case .bool(let value): try container.encode(value)
            }
        }
    }

    private struct Body: Encodable {
        var id: String
        var type: String
        var tenant_id: String
        var occurred_at: String
        var data: [String: Value]
    }

    static func encode(id: String, type: String, tenantID: String, occurredAt: Date, data: [String: Value]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = Body(id: id, type: type, tenant_id: tenantID, occurred_at: occurredAt.formatted(.iso8601), data: data)
        return String(decoding: try encoder.encode(body), as: UTF8.self)
    }
}
