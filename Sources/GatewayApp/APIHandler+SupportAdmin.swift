import Contracts
import Domain
import Foundation

/// Support managers' configuration and figures: every call needs `support.manage` in the
/// caller's own (vendor) tenant.
extension APIHandler {
    /// The acting context of a support manager in their own tenant.
    func managing() async throws -> ActingContext {
        let principal = try RequestInfo.requirePrincipal()
        return try await acting(.supportManage, in: principal.tenantID)
    }

    func listSupportQueues(_ input: Operations.ListSupportQueues.Input) async throws -> Operations.ListSupportQueues.Output {
        let queues = try await call(ListQueuesMethod.self, .init(context: try await managing())).queues
        return .ok(.init(body: .json(.init(queues: queues.map(Components.Schemas.SupportQueue.init)))))
    }

    func putSupportQueue(_ input: Operations.PutSupportQueue.Input) async throws -> Operations.PutSupportQueue.Output {
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let queue = try await call(PutQueueMethod.self, .init(
            context: try await managing(), queueID: input.path.queueId, name: body.name, calendarID: body.calendarId,
            managerID: body.managerId))
        return .ok(.init(body: .json(.init(queue))))
    }

    func putQueueMember(_ input: Operations.PutQueueMember.Input) async throws -> Operations.PutQueueMember.Output {
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let queue = try await call(PutQueueMemberMethod.self, .init(
            context: try await managing(), queueID: input.path.queueId, adminID: input.path.adminId, languages: body.languages,
            shiftCalendarID: body.shiftCalendarId, active: body.active ?? true))
        return .ok(.init(body: .json(.init(queue))))
    }

    func removeQueueMember(_ input: Operations.RemoveQueueMember.Input) async throws -> Operations.RemoveQueueMember.Output {
        _ = try await call(RemoveQueueMemberMethod.self, .init(
            context: try await managing(), queueID: input.path.queueId, adminID: input.path.adminId))
        return .noContent(.init())
    }

    func listRoutingRules(_ input: Operations.ListRoutingRules.Input) async throws -> Operations.ListRoutingRules.Output {
        let rules = try await call(RoutingRulesMethod.self, .init(context: try await managing())).rules
        return .ok(.init(body: .json(.init(rules: rules.map(Components.Schemas.RoutingRule.init)))))
    }

    func addRoutingRule(_ input: Operations.AddRoutingRule.Input) async throws -> Operations.AddRoutingRule.Output {
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let add = RoutingRuleView(
            position: body.position, category: body.category, categoryGroup: body.categoryGroup, language: body.language,
            severity: body.severity, queue: body.queue)
        let rules = try await call(RoutingRulesMethod.self, .init(context: try await managing(), add: add)).rules
        return .ok(.init(body: .json(.init(rules: rules.map(Components.Schemas.RoutingRule.init)))))
    }

    func removeRoutingRule(_ input: Operations.RemoveRoutingRule.Input) async throws -> Operations.RemoveRoutingRule.Output {
        let rules = try await call(RoutingRulesMethod.self, .init(context: try await managing(), remove: input.path.ruleId)).rules
        return .ok(.init(body: .json(.init(rules: rules.map(Components.Schemas.RoutingRule.init)))))
    }

    func listCalendars(_ input: Operations.ListCalendars.Input) async throws -> Operations.ListCalendars.Output {
        let calendars = try await call(CalendarsMethod.self, .init(context: try await managing(), put: nil)).calendars
        return .ok(.init(body: .json(.init(calendars: calendars.map(Components.Schemas.Calendar.init)))))
    }

    func putCalendar(_ input: Operations.PutCalendar.Input) async throws -> Operations.PutCalendar.Output {
        guard case .json(let body) = input.body else { throw APIProblem.malformed("send a JSON body") }
        let put = CalendarView(
            id: input.path.calendarId, name: body.name, timeZone: body.timeZone,
            weeklyHours: body.weeklyHours.additionalProperties, holidays: body.holidays ?? [])
        let calendars = try await call(CalendarsMethod.self, .init(context: try await managing(), put: put)).calendars
        return .ok(.init(body: .json(.init(calendars: calendars.map(Components.Schemas.Calendar.init)))))
    }

    func getSLAFigures(_ input: Operations.GetSLAFigures.Input) async throws -> Operations.GetSLAFigures.Output {
        let figures = try await call(SLAFiguresMethod.self, .init(context: try await managing(), since: input.query.since))
        func rows(_ list: [SLAFiguresMethod.Attainment]) -> [Components.Schemas.Attainment] {
            list.map { .init(key: $0.key, met: $0.met, breached: $0.breached, rate: $0.rate) }
        }
        return .ok(.init(body: .json(.init(
            since: figures.since, byPlan: rows(figures.byPlan), bySeverity: rows(figures.bySeverity), byQueue: rows(figures.byQueue),
            medianMinutesToFirstResponse: figures.medianMinutesToFirstResponse, p90MinutesToFirstResponse: figures.p90MinutesToFirstResponse,
            openBySeverity: .init(additionalProperties: figures.openBySeverity), breachesToday: figures.breachesToday,
            byEngineer: (figures.byEngineer ?? []).map {
                .init(adminId: $0.adminID, name: $0.name, open: $0.open, met: $0.attainment.met, breached: $0.attainment.breached,
                      rate: $0.attainment.rate, resolved: $0.resolved, medianMinutesToResolution: $0.medianMinutesToResolution,
                      p90MinutesToResolution: $0.p90MinutesToResolution)
            }))))
    }
}

extension Components.Schemas.SupportQueue {
    init(_ view: SupportQueueView) {
        self.init(
            id: view.id, name: view.name, calendarId: view.calendarID, managerId: view.managerID, isDefault: view.isDefault,
            members: view.members.map {
                .init(adminId: $0.adminID, name: $0.name, languages: $0.languages, shiftCalendarId: $0.shiftCalendarID,
                      active: $0.active, onShift: $0.onShift, openRequests: $0.openRequests, lastAssignedAt: $0.lastAssignedAt)
            },
            openRequests: view.openRequests, unassignedRequests: view.unassignedRequests)
    }
}

extension Components.Schemas.RoutingRule {
    init(_ view: RoutingRuleView) {
        self.init(
            id: view.id ?? 0, position: view.position, category: view.category, categoryGroup: view.categoryGroup, language: view.language,
            severity: view.severity, queue: view.queue)
    }
}

extension Components.Schemas.Calendar {
    init(_ view: CalendarView) {
        self.init(
            id: view.id, name: view.name, timeZone: view.timeZone, weeklyHours: .init(additionalProperties: view.weeklyHours),
            holidays: view.holidays)
    }
}
