import Contracts
import Domain
import Foundation

/// A tenant's webhooks: every call needs `webhook.manage` in the tenant (a tenant admin, a
/// partner admin in its own tenant, or a partner admin holding the customer's tenant-admin role
/// through a delegation).
extension APIHandler {
    func listWebhooks(_ input: Operations.ListWebhooks.Input) async throws -> Operations.ListWebhooks.Output {
        let reply = try await webhooks(input.path.tenantId, .list)
        return .ok(.init(body: .json(.init(items: reply.webhooks.map { Components.Schemas.Webhook($0) }))))
    }

    func createWebhook(_ input: Operations.CreateWebhook.Input) async throws -> Operations.CreateWebhook.Output {
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let fields = WebhookFields(
            url: body.url, events: body.events.map(\.rawValue), description: body.description, active: body.active, secret: body.secret)
        let reply = try await webhooks(input.path.tenantId, .create(fields))
        return .created(.init(body: .json(try Self.one(reply))))
    }

    func getWebhook(_ input: Operations.GetWebhook.Input) async throws -> Operations.GetWebhook.Output {
        let reply = try await webhooks(input.path.tenantId, .get(id: input.path.webhookId))
        return .ok(.init(body: .json(try Self.one(reply))))
    }

    func updateWebhook(_ input: Operations.UpdateWebhook.Input) async throws -> Operations.UpdateWebhook.Output {
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let fields = WebhookFields(
            url: body.url, events: body.events?.map(\.rawValue), description: body.description, active: body.active,
            secret: body.secret, rotateSecret: body.rotateSecret ?? false)
        let reply = try await webhooks(input.path.tenantId, .update(id: input.path.webhookId, fields))
        return .ok(.init(body: .json(try Self.one(reply))))
    }

    func deleteWebhook(_ input: Operations.DeleteWebhook.Input) async throws -> Operations.DeleteWebhook.Output {
        _ = try await webhooks(input.path.tenantId, .delete(id: input.path.webhookId))
        return .noContent(.init())
    }

    func listWebhookDeliveries(_ input: Operations.ListWebhookDeliveries.Input) async throws -> Operations.ListWebhookDeliveries.Output {
        let reply = try await deliveries(
            input.path.tenantId, input.path.webhookId,
            .list(status: input.query.status?.rawValue, limit: try limit(input.query.limit), cursor: input.query.cursor))
        return .ok(.init(body: .json(.init(items: reply.deliveries.map(Components.Schemas.WebhookDelivery.init), nextCursor: reply.nextCursor))))
    }

    func redeliverWebhookDelivery(_ input: Operations.RedeliverWebhookDelivery.Input) async throws
        -> Operations.RedeliverWebhookDelivery.Output
    {
        let reply = try await deliveries(input.path.tenantId, input.path.webhookId, .redeliver(deliveryID: input.path.deliveryId))
        guard let delivery = reply.deliveries.first else { throw APIProblem.notFound }
        return .accepted(.init(body: .json(.init(delivery))))
    }

    func pingWebhook(_ input: Operations.PingWebhook.Input) async throws -> Operations.PingWebhook.Output {
        let reply = try await deliveries(input.path.tenantId, input.path.webhookId, .ping)
        guard let delivery = reply.deliveries.first else { throw APIProblem.notFound }
        return .accepted(.init(body: .json(.init(delivery))))
    }

    private func webhooks(_ tenant: String, _ operation: WebhooksMethod.Operation) async throws -> WebhooksMethod.Response {
        try await call(WebhooksMethod.self, .init(context: try await acting(.webhookManage, in: tenant), operation: operation))
    }

    private func deliveries(_ tenant: String, _ webhook: String, _ operation: WebhookDeliveriesMethod.Operation) async throws
        -> WebhookDeliveriesMethod.Response
    {
        try await call(WebhookDeliveriesMethod.self, .init(
            context: try await acting(.webhookManage, in: tenant), webhookID: webhook, operation: operation))
    }

    private static func one(_ reply: WebhooksMethod.Response) throws -> Components.Schemas.Webhook {
        guard let webhook = reply.webhooks.first else { throw APIProblem.notFound }
        return Components.Schemas.Webhook(webhook, secret: reply.secret)
    }
}

extension Components.Schemas.Webhook {
    init(_ view: WebhookView, secret: String? = nil) {
        self.init(
            id: view.id, url: view.url, events: view.events, description: view.description, active: view.active,
            createdAt: view.createdAt, updatedAt: view.updatedAt, pendingDeliveries: view.pendingDeliveries,
            deadDeliveries: view.deadDeliveries, viaRelationshipId: view.viaRelationshipID, secret: secret)
    }
}

extension Components.Schemas.WebhookDelivery {
    init(_ view: WebhookDeliveryView) {
        self.init(
            id: view.id, eventId: view.eventID, eventType: view.eventType, status: .init(rawValue: view.status) ?? .pending,
            attempts: view.attempts, nextAttemptAt: view.nextAttemptAt, lastAttemptAt: view.lastAttemptAt,
            lastStatusCode: view.lastStatusCode, lastError: view.lastError, lastDurationMs: view.lastDurationMs,
            deliveredAt: view.deliveredAt, redeliveryOf: view.redeliveryOf, createdAt: view.createdAt)
    }
}
