import Foundation

/// Where a service request stands.
public enum RequestStatus: String, Codable, Sendable, CaseIterable {
    /// Being written by the customer; support does not see it.
    case draft
    /// Submitted; support has not taken it yet.
    case submitted
    case inProgress = "in_progress"
    /// Support asked the customer for information.
    case waitingForCustomer = "waiting_for_customer"
    /// Support gave a resolution; the customer may reopen it for 14 days.
    case resolved
    case closed

    /// Support still owes work: submitted, in progress or waiting for the customer.
    public var isUnresolved: Bool {
        switch self {
        case .submitted, .inProgress, .waitingForCustomer: return true
        case .draft, .resolved, .closed: return false
        }
    }

    /// What a list shows unless asked for other statuses: the unresolved ones.
    public static let defaultListed = allCases.filter(\.isUnresolved)
}

/// A change of a request's status.
public enum RequestTransition: String, Codable, Sendable, CaseIterable {
    /// Customer: draft → submitted.
    case submit
    /// Support takes the request: submitted → in_progress.
    case start
    /// Support: submitted or in_progress → waiting_for_customer.
    case askForInformation = "ask_for_information"
    /// waiting_for_customer → in_progress, automatically on a customer message (customer or system).
    case customerReply = "customer_reply"
    /// Support: submitted, in_progress or waiting_for_customer → resolved.
    case resolve
    /// Customer: submitted, in_progress or waiting_for_customer → closed.
    case withdraw
    /// Customer: resolved → in_progress, within `RequestLifecycle.reopenWindow` of the resolution.
    case reopen
    /// resolved → closed: the customer confirms, or support or the system closes it.
    case close
    /// Customer: draft → closed (the draft is dropped).
    case discard
}

/// Who performs a transition.
public enum RequestSide: String, Codable, Sendable, CaseIterable {
    /// An administrator of the customer tenant (or a partner acting for it).
    case customer
    /// A vendor support engineer or manager.
    case support
    /// The platform itself: automatic closing, replies arriving by mail.
    case system
}

/// A refused transition; the API answers 409 naming the transitions that are allowed instead.
public struct TransitionRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request's status when the transition was asked for.
    public var from: RequestStatus
    public var transition: RequestTransition
    /// Why it is refused, e.g. "the 14-day reopen window passed at …; open a new request".
    public var reason: String
    /// What the same side may do from `from` now, in declaration order.
    public var allowed: [RequestTransition]

    public init(from: RequestStatus, transition: RequestTransition, reason: String, allowed: [RequestTransition]) {
        self.from = from
        self.transition = transition
        self.reason = reason
        self.allowed = allowed
    }

    public var description: String {
        "\(transition.rawValue) refused from \(from.rawValue): \(reason)"
    }
}

/// The status machine of service requests.
public enum RequestLifecycle {
    /// How long after its resolution the customer may reopen a request (14 days).
    public static let reopenWindow: TimeInterval = 14 * 86_400

    /// The status `transition` leads to from `status`, whoever performs it; `nil` when it does not
    /// apply to that status.
    public static func destination(of transition: RequestTransition, from status: RequestStatus) -> RequestStatus? {
        switch (transition, status) {
        case (.submit, .draft): return .submitted
        case (.start, .submitted): return .inProgress
        case (.askForInformation, .submitted), (.askForInformation, .inProgress): return .waitingForCustomer
        case (.customerReply, .waitingForCustomer): return .inProgress
        case (.resolve, .submitted), (.resolve, .inProgress), (.resolve, .waitingForCustomer): return .resolved
        case (.withdraw, .submitted), (.withdraw, .inProgress), (.withdraw, .waitingForCustomer): return .closed
        case (.reopen, .resolved): return .inProgress
        case (.close, .resolved): return .closed
        case (.discard, .draft): return .closed
        default: return nil
        }
    }

    /// The sides that may perform `transition`.
    public static func performers(of transition: RequestTransition) -> Set<RequestSide> {
        Set(sides(performing: transition))
    }

    /// The performers of `transition` in the order of `RequestSide.allCases` (for a refusal's text).
    private static func sides(performing transition: RequestTransition) -> [RequestSide] {
        RequestSide.allCases.filter { performs($0, transition) }
    }

    /// Whether `side` is one of the performers of `transition` (without building the set).
    private static func performs(_ side: RequestSide, _ transition: RequestTransition) -> Bool {
        switch (transition, side) {
        case (.submit, .customer), (.withdraw, .customer), (.reopen, .customer), (.discard, .customer): return true
        case (.start, .support), (.askForInformation, .support), (.resolve, .support): return true
        case (.customerReply, .customer), (.customerReply, .system): return true
        case (.close, _): return true
        default: return false
        }
    }

    /// The new status, or why `side` may not perform `transition` on a request in `status` at `now`.
    /// `resolvedAt` is when the request was resolved; reopening needs it.
    public static func apply(_ transition: RequestTransition, to status: RequestStatus, by side: RequestSide,
                             resolvedAt: Date?, now: Date) -> Result<RequestStatus, TransitionRefusal> {
        switch check(transition, from: status, by: side, resolvedAt: resolvedAt, now: now) {
        case .success(let next):
            return .success(next)
        case .failure(let refusal):
            return .failure(TransitionRefusal(
                from: status, transition: transition, reason: reason(refusal, transition: transition, from: status, by: side),
                allowed: allowed(from: status, by: side, resolvedAt: resolvedAt, now: now)))
        }
    }

    /// The transitions `side` may perform on a request in `status` at `now`, in declaration order.
    /// (Every row of a list carries them: no refusal text is built here.)
    public static func allowed(from status: RequestStatus, by side: RequestSide, resolvedAt: Date?,
                               now: Date) -> [RequestTransition] {
        RequestTransition.allCases.filter {
            if case .success = check($0, from: status, by: side, resolvedAt: resolvedAt, now: now) { return true }
            return false
        }
    }

    /// Why a transition is refused; its text is written only for an answer (`reason`).
    private enum Refusal: Error {
        case notFromStatus
        case notBySide
        case resolutionUnknown
        case reopenWindowPassed(end: Date)
    }

    private static func check(_ transition: RequestTransition, from status: RequestStatus, by side: RequestSide,
                              resolvedAt: Date?, now: Date) -> Result<RequestStatus, Refusal> {
        guard let next = destination(of: transition, from: status) else { return .failure(.notFromStatus) }
        guard performs(side, transition) else { return .failure(.notBySide) }
        if transition == .reopen {
            guard let resolvedAt else { return .failure(.resolutionUnknown) }
            let end = resolvedAt.addingTimeInterval(reopenWindow)
            guard now < end else { return .failure(.reopenWindowPassed(end: end)) }
        }
        return .success(next)
    }

    private static func reason(
        _ refusal: Refusal, transition: RequestTransition, from status: RequestStatus, by side: RequestSide
    ) -> String {
        switch refusal {
        case .notFromStatus:
            return "cannot \(verb(transition)) \(phrase(status))"
        case .notBySide:
            let names = sides(performing: transition).map(name)
            let who = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "") : names.joined()
            return "\(transition.rawValue) is done by \(who), not by \(name(side))"
        case .resolutionUnknown:
            return "the time of resolution is unknown, so the reopen window cannot be checked"
        case .reopenWindowPassed(let end):
            return "the 14-day reopen window passed at \(end.formatted(.iso8601)); open a new request"
        }
    }

    private static func verb(_ transition: RequestTransition) -> String {
        switch transition {
        case .submit: return "submit"
        case .start: return "start work on"
        case .askForInformation: return "ask for information on"
        case .customerReply: return "take a customer reply on"
        case .resolve: return "resolve"
        case .withdraw: return "withdraw"
        case .reopen: return "reopen"
        case .close: return "close"
        case .discard: return "discard"
        }
    }

    private static func phrase(_ status: RequestStatus) -> String {
        switch status {
        case .draft: return "a draft"
        case .submitted: return "a submitted request"
        case .inProgress: return "a request in progress"
        case .waitingForCustomer: return "a request waiting for the customer"
        case .resolved: return "a resolved request"
        case .closed: return "a closed request"
        }
    }

    private static func name(_ side: RequestSide) -> String {
        switch side {
        case .customer: return "the customer"
        case .support: return "support"
        case .system: return "the system"
        }
    }
}
