import Contracts
import Domain
import Foundation

/// Conversions between the service contracts and the OpenAPI types.
extension Components.Schemas.Role {
    init?(_ role: Role) { self.init(rawValue: role.rawValue) }
}

extension Role {
    init?(_ role: Components.Schemas.Role) { self.init(rawValue: role.rawValue) }
    init?(_ role: Components.Schemas.DelegableRole) { self.init(rawValue: role.rawValue) }
}

extension Components.Schemas.Tenant {
    init(_ tenant: TenantView) {
        self.init(
            id: tenant.id, kind: .init(rawValue: tenant.kind.rawValue) ?? .customer, displayName: tenant.displayName,
            country: tenant.country, defaultLanguage: tenant.defaultLanguage,
            supportPlan: .init(rawValue: tenant.supportPlan) ?? .professional, status: .init(rawValue: tenant.status) ?? .suspended,
            createdAt: tenant.createdAt)
    }
}

extension Components.Schemas.Admin {
    init(_ admin: AdminView) {
        self.init(
            id: admin.id, tenantId: admin.tenantID, name: admin.name, email: admin.email,
            roles: admin.roles.compactMap(Components.Schemas.Role.init), status: .init(rawValue: admin.status) ?? .disabled,
            createdAt: admin.createdAt)
    }
}

extension Components.Schemas.APIKey {
    init(_ key: APIKeyView) {
        self.init(
            id: key.id, name: key.name, roles: key.roles.compactMap(Components.Schemas.Role.init), createdAt: key.createdAt,
            expiresAt: key.expiresAt, lastUsedAt: key.lastUsedAt, revokedAt: key.revokedAt)
    }
}

extension Components.Schemas.Relationship {
    init(_ relationship: RelationshipView) {
        self.init(
            id: relationship.id, partnerTenantId: relationship.partnerTenantID, partnerName: relationship.partnerName,
            customerTenantId: relationship.customerTenantID, customerName: relationship.customerName,
            roles: relationship.roles.compactMap(Components.Schemas.Role.init), durationDays: relationship.durationDays,
            autoExtend: relationship.autoExtend, status: .init(rawValue: relationship.status.rawValue) ?? .terminated,
            requestedAt: relationship.requestedAt, startsAt: relationship.startsAt, endsAt: relationship.endsAt,
            endedAt: relationship.endedAt,
            assignments: relationship.assignments.map {
                .init(adminId: $0.adminID, name: $0.name, email: $0.email,
                      roles: $0.roles.compactMap(Components.Schemas.Role.init), assignedAt: $0.assignedAt)
            })
    }
}

extension Components.Schemas.AuditEvent {
    init(_ event: AuditEventView) {
        self.init(
            id: event.id, tenantId: event.tenantID, occurredAt: event.occurredAt, actorAdminId: event.actorAdminID,
            actorTenantId: event.actorTenantID, actorEmail: event.actorEmail, viaRelationshipId: event.viaRelationshipID,
            action: event.action, targetType: event.targetType, targetId: event.targetID,
            details: .init(additionalProperties: event.details), sourceAddress: event.sourceAddress, requestId: event.requestID)
    }
}

extension Components.Schemas.AccessToken {
    init(_ grant: TokenGrant) {
        self.init(accessToken: grant.accessToken, tokenType: .bearer, expiresIn: grant.expiresIn, refreshToken: grant.refreshToken)
    }
}
