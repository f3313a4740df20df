import Foundation
import PostgresNIO
import Store

/// A submitted request, when it was triaged and whom it was released from, locked for the rest of the transaction, as
/// triage and the assignment sweep read it. Prepared: every submission is triaged.
struct LockSubmittedRequest: PreparedRowStatement {
    static let sql = """
        SELECT \(RequestRecord.columns), r.triaged_at, r.released_from FROM service_requests r
        WHERE r.id = $1 AND r.status <> 'draft' FOR UPDATE OF r
        """
    static let bindingDataTypes: [PostgresDataType] = [.uuid]

    var id: UUID

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(id)
        return bindings
    }
}

/// `LockSubmittedRequest`, passing over a row another transaction holds (no row back then).
struct LockSubmittedRequestUnlessLocked: PreparedRowStatement {
    static let sql = LockSubmittedRequest.sql + " SKIP LOCKED"
    static let bindingDataTypes = LockSubmittedRequest.bindingDataTypes

    var id: UUID

    func makeBindings() throws -> PostgresBindings { try LockSubmittedRequest(id: id).makeBindings() }
}
