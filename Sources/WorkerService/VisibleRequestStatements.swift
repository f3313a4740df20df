import Foundation
import PostgresNIO
import Store

/// One request as `RequestQueries.load` reads it, if the caller may see it: support sees
/// submitted requests; a tenant's side also sees its own drafts until they expire (the same
/// rule as `RequestQueries.appendVisible`). Only a request of the bound tenant: row-level
/// security allows no other, and the statement says so itself as well, so that a transaction
/// bound more widely (support's scope, a partner's list) still reads one tenant's request.
/// Prepared: every call on a request reads it.
struct LoadVisibleRequest: PreparedRowStatement {
    static let sql = """
        SELECT \(RequestRecord.columns) FROM service_requests r
        WHERE r.id = $1 AND r.tenant_id = tenantdesk_current_tenant()
          AND (r.status <> 'draft' OR (NOT $2 AND r.requested_by = $3 AND r.draft_expires_at > now()))
        """
    static let bindingDataTypes: [PostgresDataType] = [.uuid, .bool, .uuid]

    var id: UUID
    var support: Bool
    /// The caller (nil for support).
    var admin: UUID?

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(id)
        bindings.append(support)
        bindings.append(admin)
        return bindings
    }
}

/// `LoadVisibleRequest`, locking the row for the rest of the transaction.
struct LockVisibleRequest: PreparedRowStatement {
    static let sql = LoadVisibleRequest.sql + " FOR UPDATE OF r"
    static let bindingDataTypes = LoadVisibleRequest.bindingDataTypes

    var id: UUID
    var support: Bool
    var admin: UUID?

    func makeBindings() throws -> PostgresBindings {
        try LoadVisibleRequest(id: id, support: support, admin: admin).makeBindings()
    }
}
