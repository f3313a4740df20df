import Foundation
import PostgresNIO

/// The statement that binds a transaction to a tenant (see `Database.withTenantTransaction`),
/// prepared: every tenant transaction of the services starts with it, so PostgreSQL parses and
/// plans it once per connection instead of once per transaction. Its four settings are local
/// to the transaction (`set_config(..., true)`).
struct TenantBinding: PostgresPreparedStatement {
    typealias Row = ()

    static let sql = """
        SELECT set_config('tenantdesk.tenant_id', $1, true), set_config('tenantdesk.audience', $2, true),
               set_config('tenantdesk.read_tenant_ids', $3, true), set_config('tenantdesk.support_scope', $4, true)
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .text, .text, .text]

    /// The tenant, in the lower-case form `tenantdesk_current_tenant()` reads.
    var tenantID: String
    /// `support` or `customer`: whether internal notes are visible.
    var audience: String
    /// The other tenants whose service requests may be read, comma-separated (a partner's list).
    var readTenantIDs: String
    /// `all` when the transaction reads every customer's requests (the support queues).
    var supportScope: String

    init(_ tenantID: UUID, supportAudience: Bool, readTenants: [UUID], supportScope: Bool) {
        self.tenantID = tenantID.uuidString.lowercased()
        self.audience = supportAudience ? "support" : "customer"
        self.readTenantIDs = readTenants.map { $0.uuidString.lowercased() }.joined(separator: ",")
        self.supportScope = supportScope ? "all" : ""
    }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(tenantID)
        bindings.append(audience)
        bindings.append(readTenantIDs)
        bindings.append(supportScope)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws {}
}
