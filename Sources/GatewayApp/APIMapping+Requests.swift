import Contracts
import Domain
import Foundation

/// Conversions between the service-request contracts and the OpenAPI types.
extension RequestFields {
    init(_ body: Components.Schemas.RequestFields) {
        var contact: ContactDetails?
        if let given = body.contact {
            contact = ContactDetails(
                name: given.name, email: given.email, phone: given.phone, preferredMethod: given.preferredMethod?.rawValue,
                timeZone: given.timeZone, country: given.country)
        }
        self.init(
            category: body.category, feature: body.feature, symptom: body.symptom, summary: body.summary, details: body.details,
            severity: body.severity.flatMap { Severity(rawValue: $0.rawValue) }, language: body.language, contact: contact,
            suggestionSessionID: body.suggestionSessionId)
    }
}

extension Components.Schemas.IntakeOptions {
    init(_ options: IntakeOptions) {
        self.init(
            plan: .init(rawValue: options.plan.rawValue) ?? .professional,
            severities: options.severities.map {
                .init(severity: .init(rawValue: $0.severity.rawValue) ?? .c, name: $0.name, definition: $0.definition,
                      requiresPhone: $0.requiresPhone, aroundTheClock: $0.aroundTheClock, targetMinutes: $0.targetMinutes)
            },
            categories: options.categories.map {
                .init(code: $0.code, name: $0.name, group: .init(rawValue: $0.group) ?? .more, technical: $0.technical,
                      languages: $0.languages, covered: $0.covered,
                      hours: $0.hours.map { .init(calendar: $0.calendar, timeZone: $0.timeZone, weekly: .init(additionalProperties: $0.weekly)) })
            },
            contactRules: options.contactRules)
    }
}

extension Components.Schemas.Actor {
    init(_ actor: ActorView) {
        self.init(adminId: actor.adminID, name: actor.name, side: .init(rawValue: actor.side) ?? .system)
    }
}

extension Components.Schemas.ServiceRequest {
    init(_ request: ServiceRequestView) {
        let fields = request.fields
        let contact = fields.contact.map {
            Components.Schemas.ServiceRequest.FieldsPayload.ContactPayload(
                name: $0.name, email: $0.email, phone: $0.phone, preferredMethod: $0.preferredMethod, timeZone: $0.timeZone,
                country: $0.country)
        }
        let response = request.response.map {
            Components.Schemas.ResponseTarget(
                targetMinutes: $0.targetMinutes, dueAt: $0.dueAt, status: .init(rawValue: $0.status) ?? .pending,
                firstResponseAt: $0.firstResponseAt,
                explanation: $0.explanation.map {
                    .init(policy: $0.policy, clock: $0.clock, startedAt: $0.startedAt, pausedMinutes: $0.pausedMinutes, steps: $0.steps)
                })
        }
        self.init(
            id: request.id, tenantId: request.tenantID, tenantName: request.tenantName, number: request.number,
            status: .init(rawValue: request.status.rawValue) ?? .closed,
            fields: .init(
                category: fields.category, feature: fields.feature, symptom: fields.symptom, summary: fields.summary,
                details: fields.details, severity: fields.severity.flatMap { .init(rawValue: $0.rawValue) },
                language: fields.language, contact: contact, suggestionSessionId: fields.suggestionSessionID),
            requestedBy: .init(request.requestedBy), viaRelationshipId: request.viaRelationshipID, queue: request.queue,
            assignedTo: request.assignedTo.map(Components.Schemas.Actor.init),
            plan: request.plan.flatMap { .init(rawValue: $0.rawValue) }, response: response, submittedAt: request.submittedAt,
            resolvedAt: request.resolvedAt, resolutionSummary: request.resolutionSummary, closedAt: request.closedAt,
            draftExpiresAt: request.draftExpiresAt, createdAt: request.createdAt, updatedAt: request.updatedAt,
            version: request.version,
            allowedTransitions: request.allowedTransitions.compactMap { .init(rawValue: $0.rawValue) },
            escalatedAt: request.escalatedAt, escalationReason: request.escalationReason,
            lastPublicMessage: request.lastPublicMessage.map {
                .init(side: .init(rawValue: $0.side) ?? .customer, at: $0.at)
            })
    }
}

extension Components.Schemas.Message {
    init(_ message: MessageView) {
        self.init(
            id: message.id, visibility: .init(rawValue: message.visibility) ?? ._internal, author: .init(message.author),
            viaRelationshipId: message.viaRelationshipID, body: message.body, createdAt: message.createdAt)
    }
}

extension Components.Schemas.ServiceRequestDetail {
    init(_ detail: ServiceRequestDetail) {
        self.init(
            request: .init(detail.request),
            timeline: detail.timeline.map {
                .init(id: $0.id, kind: $0.kind, at: $0.at, actor: .init($0.actor), viaRelationshipId: $0.viaRelationshipID,
                      internalOnly: $0.internalOnly, data: .init(additionalProperties: $0.data))
            },
            messages: detail.messages.map(Components.Schemas.Message.init),
            attachments: detail.attachments.map(Components.Schemas.Attachment.init),
            severityChanges: detail.severityChanges.map(Components.Schemas.SeverityChange.init),
            survey: detail.survey.map { .init(rating: $0.rating, comment: $0.comment, answeredAt: $0.answeredAt) })
    }
}
