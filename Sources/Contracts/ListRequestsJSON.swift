import Domain
import Foundation

extension ListRequestsMethod.Request: ReadsOwnJSON {
    public init(json bytes: [UInt8]) throws {
        var scanner = JSONScanner(bytes)
        var context: ActingContext?
        var requestedByMe: Bool?
        var sort: String?
        var limit: Int?
        var scope: ListScope?
        var statuses: [RequestStatus]?, severities: [Severity]?
        var category: String?, text: String?, cursor: String?, customer: String?, queue: String?, assignee: String?
        var awaiting: String?
        var responseDueBefore: Date?
        var createdFrom: Date?, createdTo: Date?, updatedFrom: Date?, updatedTo: Date?
        try scanner.object { scanner, name in
            switch name {
            case "context": context = try ActingContext(scanner: &scanner)
            case "requestedByMe": requestedByMe = try scanner.bool()
            case "sort": sort = try scanner.string()
            case "limit": limit = try scanner.int()
            case "scope": scope = try ListScope(scanner: &scanner)
            case "statuses": statuses = try scanner.null() ? nil : scanner.values { try $0.enumeration(RequestStatus.self) }
            case "severities": severities = try scanner.null() ? nil : scanner.values { try $0.enumeration(Severity.self) }
            case "category": category = try scanner.optionalString()
            case "text": text = try scanner.optionalString()
            case "cursor": cursor = try scanner.optionalString()
            case "customer": customer = try scanner.optionalString()
            case "queue": queue = try scanner.optionalString()
            case "assignee": assignee = try scanner.optionalString()
            case "awaiting": awaiting = try scanner.optionalString()
            case "responseDueBefore": responseDueBefore = try scanner.null() ? nil : scanner.date()
            case "createdFrom": createdFrom = try scanner.null() ? nil : scanner.date()
            case "createdTo": createdTo = try scanner.null() ? nil : scanner.date()
            case "updatedFrom": updatedFrom = try scanner.null() ? nil : scanner.date()
            case "updatedTo": updatedTo = try scanner.null() ? nil : scanner.date()
            default: throw JSONScanner.Unexpected()
            }
        }
        try scanner.end()
        guard let context, let requestedByMe, let sort, let limit, let scope else { throw JSONScanner.Unexpected() }
        self.init(
            context: context, statuses: statuses, severities: severities, category: category, requestedByMe: requestedByMe,
            text: text, createdFrom: createdFrom, createdTo: createdTo, updatedFrom: updatedFrom, updatedTo: updatedTo, sort: sort,
            cursor: cursor, limit: limit, scope: scope, customer: customer, queue: queue, assignee: assignee,
            awaiting: awaiting, responseDueBefore: responseDueBefore)
    }
}

extension ListRequestsMethod.Request: WritesOwnJSON {
    public var json: [UInt8] {
        var json = JSONWriter(capacity: 512)
        json.beginObject()
        json.string("assignee", assignee)
        json.string("awaiting", awaiting)
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
        json.date("responseDueBefore", responseDueBefore)
        json.key("scope")
        scope.write(to: &json)
        json.strings("severities", severities?.map(\.rawValue))
        json.string("sort", sort)
        json.strings("statuses", statuses?.map(\.rawValue))
        json.string("text", text)
        json.date("updatedFrom", updatedFrom)
        json.date("updatedTo", updatedTo)
        json.endObject()
        return json.bytes
    }
}

extension ActingContext {
    init(scanner: inout JSONScanner) throws {
        var tenantID: String?, adminID: String?, adminName: String?, homeTenantID: String?, requestID: String?
        var side: RequestSide?
        var via: String?
        try scanner.object { scanner, name in
            switch name {
            case "tenantID": tenantID = try scanner.string()
            case "adminID": adminID = try scanner.string()
            case "adminName": adminName = try scanner.string()
            case "homeTenantID": homeTenantID = try scanner.string()
            case "requestID": requestID = try scanner.string()
            case "side": side = try scanner.enumeration(RequestSide.self)
            case "viaRelationshipID": via = try scanner.optionalString()
            default: throw JSONScanner.Unexpected()
            }
        }
        guard let tenantID, let adminID, let adminName, let homeTenantID, let requestID, let side else { throw JSONScanner.Unexpected() }
        self.init(
            tenantID: tenantID, adminID: adminID, adminName: adminName, homeTenantID: homeTenantID, side: side,
            viaRelationshipID: via, requestID: requestID)
    }

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
    init(scanner: inout JSONScanner) throws {
        var scope: ListScope?
        try scanner.object { scanner, name in
            // Exactly one case.
            guard scope == nil else { throw JSONScanner.Unexpected() }
            switch name {
            case "tenant":
                try scanner.object { _, _ in throw JSONScanner.Unexpected() }
                scope = .tenant
            case "support":
                try scanner.object { _, _ in throw JSONScanner.Unexpected() }
                scope = .support
            case "customers":
                var tenants: [String]?
                try scanner.object { scanner, name in
                    guard name == "_0", tenants == nil else { throw JSONScanner.Unexpected() }
                    tenants = try scanner.values { try $0.string() }
                }
                guard let tenants else { throw JSONScanner.Unexpected() }
                scope = .customers(tenants)
            default:
                throw JSONScanner.Unexpected()
            }
        }
        guard let scope else { throw JSONScanner.Unexpected() }
        self = scope
    }

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
