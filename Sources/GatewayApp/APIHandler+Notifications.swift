import Contracts
import Domain
import Foundation

/// The caller's own notification feed. The account must be active (`tenant.read` in the home
/// tenant, which every role has): a disabled administrator or a suspended tenant reads nothing.
extension APIHandler {
    func listNotifications(_ input: Operations.ListNotifications.Input) async throws -> Operations.ListNotifications.Output {
        let principal = try RequestInfo.requirePrincipal()
        _ = try await authorize(.tenantRead, in: principal.tenantID)
        let feed = try await call(NotificationsMethod.self, .init(
            adminID: principal.adminID, tenantID: principal.tenantID, unreadOnly: input.query.unread ?? false,
            limit: try limit(input.query.limit), before: input.query.before))
        return .ok(.init(body: .json(.init(feed))))
    }

    func markNotificationsRead(_ input: Operations.MarkNotificationsRead.Input) async throws -> Operations.MarkNotificationsRead.Output {
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let principal = try RequestInfo.requirePrincipal()
        _ = try await authorize(.tenantRead, in: principal.tenantID)
        let feed = try await call(NotificationsMethod.self, .init(
            adminID: principal.adminID, tenantID: principal.tenantID, markRead: body.ids ?? [], markAllRead: body.all ?? false))
        return .ok(.init(body: .json(.init(feed))))
    }
}

extension APIHandler {
    func getNotificationSettings(_ input: Operations.GetNotificationSettings.Input) async throws
        -> Operations.GetNotificationSettings.Output
    {
        let principal = try RequestInfo.requirePrincipal()
        _ = try await authorize(.tenantRead, in: principal.tenantID)
        let settings = try await call(NotificationSettingsMethod.self, .init(adminID: principal.adminID, tenantID: principal.tenantID))
        return .ok(.init(body: .json(.init(email: settings.email, emailKinds: settings.emailKinds?.compactMap { .init(rawValue: $0) }))))
    }

    func putNotificationSettings(_ input: Operations.PutNotificationSettings.Input) async throws
        -> Operations.PutNotificationSettings.Output
    {
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let principal = try RequestInfo.requirePrincipal()
        _ = try await authorize(.tenantRead, in: principal.tenantID)
        let settings = try await call(NotificationSettingsMethod.self, .init(
            adminID: principal.adminID, tenantID: principal.tenantID,
            update: .init(email: body.email, emailKinds: body.emailKinds?.map(\.rawValue))))
        return .ok(.init(body: .json(.init(email: settings.email, emailKinds: settings.emailKinds?.compactMap { .init(rawValue: $0) }))))
    }
}

extension Components.Schemas.NotificationList {
    init(_ feed: NotificationsMethod.Response) {
        self.init(
            items: feed.items.map {
                .init(id: $0.id, kind: .init(rawValue: $0.kind) ?? .statusChanged, requestId: $0.requestID,
                      requestTenantId: $0.requestTenantID, relationshipId: $0.relationshipID, requestNumber: $0.requestNumber, summary: $0.summary, detail: $0.detail,
                      createdAt: $0.createdAt, readAt: $0.readAt)
            },
            unreadCount: feed.unreadCount, nextCursor: feed.nextCursor)
    }
}
