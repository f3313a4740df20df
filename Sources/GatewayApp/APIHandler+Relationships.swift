import Contracts
import Domain
import Foundation

/// Partner relationships, from both sides, and the audit log.
extension APIHandler {
    func listRelationships(_ input: Operations.ListRelationships.Input) async throws -> Operations.ListRelationships.Output {
        let context = try callContext()
        var statuses: [DelegationGrant.Status]?
        if let raw = input.query.status {
            statuses = try raw.split(separator: ",").map { part in
                guard let status = DelegationGrant.Status(rawValue: part.trimmingCharacters(in: .whitespaces)) else {
                    throw APIProblem.malformed("unknown status \(part): use approval_pending, active, expiring, expired, terminated or rejected")
                }
                return status
            }
        }
        let response = try await call(ListRelationshipsMethod.self, .init(context: context, tenantID: input.path.tenantId, statuses: statuses))
        return .ok(.init(body: .json(.init(relationships: response.relationships.map(Components.Schemas.Relationship.init)))))
    }

    func requestRelationship(_ input: Operations.RequestRelationship.Input) async throws -> Operations.RequestRelationship.Output {
        let context = try callContext()
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let relationship = try await call(RequestRelationshipMethod.self, .init(
            context: context, partnerTenantID: input.path.tenantId, customerTenantID: body.customerTenantId,
            roles: body.roles.compactMap(Role.init), durationDays: body.durationDays, autoExtend: body.autoExtend ?? false))
        return .created(.init(body: .json(.init(relationship))))
    }

    func terminateRelationships(_ input: Operations.TerminateRelationships.Input) async throws -> Operations.TerminateRelationships.Output {
        let context = try callContext()
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let response = try await call(TransitionRelationshipsMethod.self, .init(
            context: context, tenantID: input.path.tenantId, relationshipIDs: body.relationshipIds, transition: .terminate))
        decisions.invalidateAll()
        return .ok(.init(body: .json(.init(relationships: response.relationships.map(Components.Schemas.Relationship.init)))))
    }

    func approveRelationship(_ input: Operations.ApproveRelationship.Input) async throws -> Operations.ApproveRelationship.Output {
        .ok(.init(body: .json(try await transition(.approve, tenant: input.path.tenantId, relationship: input.path.relationshipId))))
    }

    func rejectRelationship(_ input: Operations.RejectRelationship.Input) async throws -> Operations.RejectRelationship.Output {
        .ok(.init(body: .json(try await transition(.reject, tenant: input.path.tenantId, relationship: input.path.relationshipId))))
    }

    func terminateRelationship(_ input: Operations.TerminateRelationship.Input) async throws -> Operations.TerminateRelationship.Output {
        .ok(.init(body: .json(try await transition(.terminate, tenant: input.path.tenantId, relationship: input.path.relationshipId))))
    }

    func assignRelationship(_ input: Operations.AssignRelationship.Input) async throws -> Operations.AssignRelationship.Output {
        let context = try callContext()
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        guard !body.roles.isEmpty else { throw APIProblem.invalid("give at least one role; DELETE removes an assignment") }
        let relationship = try await call(AssignRelationshipMethod.self, .init(
            context: context, partnerTenantID: input.path.tenantId, relationshipID: input.path.relationshipId,
            adminID: input.path.adminId, roles: body.roles.compactMap(Role.init)))
        decisions.invalidateAll()
        return .ok(.init(body: .json(.init(relationship))))
    }

    func unassignRelationship(_ input: Operations.UnassignRelationship.Input) async throws -> Operations.UnassignRelationship.Output {
        let relationship = try await call(AssignRelationshipMethod.self, .init(
            context: try callContext(), partnerTenantID: input.path.tenantId, relationshipID: input.path.relationshipId,
            adminID: input.path.adminId, roles: []))
        decisions.invalidateAll()
        return .ok(.init(body: .json(.init(relationship))))
    }

    func listAuditEvents(_ input: Operations.ListAuditEvents.Input) async throws -> Operations.ListAuditEvents.Output {
        let query = input.query
        let page = try await call(ListAuditEventsMethod.self, .init(
            context: try callContext(), tenantID: input.path.tenantId, action: query.action, actorAdminID: query.actor,
            viaRelationshipID: query.viaRelationship, since: query.since, until: query.until, cursor: query.cursor,
            limit: try limit(query.limit)))
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.AuditEvent.init), nextCursor: page.nextCursor))))
    }

    private func transition(
        _ transition: TransitionRelationshipsMethod.Transition, tenant: String, relationship: String
    ) async throws -> Components.Schemas.Relationship {
        let response = try await call(TransitionRelationshipsMethod.self, .init(
            context: try callContext(), tenantID: tenant, relationshipIDs: [relationship], transition: transition))
        decisions.invalidateAll()
        guard let first = response.relationships.first else { throw APIProblem.notFound }
        return .init(first)
    }
}
