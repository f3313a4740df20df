import Domain
import Foundation

/// A request body that writes its own JSON: the same members and values `JSONCodec` writes for
/// it (sorted keys, RFC 3339 dates to the second), without Foundation's encoder, which builds a
/// tree of boxed values first. For the calls made on every page view.
public protocol WritesOwnJSON: Encodable {
    /// The body, which `JSONCodec.decode` reads back as this value.
    var json: [UInt8] { get }
}

extension ListRequestsMethod.Request: WritesOwnJSON {
    public var json: [UInt8] {
        var json = JSONWriter(capacity: 512)
        json.beginObject()
        json.string("assignee", assignee)
        json.string("category", category)
        json.key("context")
        context.write(to: &json)
        json.date("createdFrom", createdFrom)
        json.date("createdTo", createdTo)
        json.string("cursor", cursor)
        json.string("customer", customer)
        json.int("limit", limit)
        json.string("queue", queue)
        json.key("requestedByMe")
        json.bool(requestedByMe)
        json.key("scope")
        scope.write(to: &json)
        if let severities {
            json.key("severities")
            json.beginArray()
            for severity in severities { json.string(severity.rawValue) }
            json.endArray()
        }
        json.string("sort", sort)
        if let statuses {
            json.key("statuses")
            json.beginArray()
            for status in statuses { json.string(status.rawValue) }
            json.endArray()
        }
        json.string("text", text)
        json.date("updatedFrom", updatedFrom)
        json.date("updatedTo", updatedTo)
        json.endObject()
        return json.bytes
    }
}

extension ActingContext {
    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.string("adminID", adminID)
        json.string("adminName", adminName)
        json.string("homeTenantID", homeTenantID)
        json.string("requestID", requestID)
        json.string("side", side.rawValue)
        json.string("tenantID", tenantID)
        json.string("viaRelationshipID", viaRelationshipID)
        json.endObject()
    }
}

extension ListScope {
    /// As Swift encodes an enum with associated values: the case's name holding its values.
    func write(to json: inout JSONWriter) {
        json.beginObject()
        switch self {
        case .tenant:
            json.key("tenant")
            json.beginObject()
            json.endObject()
        case .customers(let tenants):
            json.key("customers")
            json.beginObject()
            json.key("_0")
            json.beginArray()
            for tenant in tenants { json.string(tenant) }
            json.endArray()
            json.endObject()
        case .support:
            json.key("support")
            json.beginObject()
            json.endObject()
        }
        json.endObject()
    }
}
