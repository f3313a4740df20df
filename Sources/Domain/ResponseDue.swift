import Foundation

/// When the first response to a service request is due, and how that was worked out.
public struct ResponseDue: Sendable, Equatable, Codable {
    /// The plan's target for the severity, in minutes: business minutes when the clock follows a
    /// business-hours calendar, elapsed minutes otherwise.
    public var targetMinutes: Int
    /// When the first response is due.
    public var dueAt: Date
    /// When three quarters of the target have run, counted on the same clock: the moment the
    /// SLA monitor warns that the due time approaches.
    public var warnAt: Date
    public var explanation: DueExplanation

    public init(targetMinutes: Int, dueAt: Date, warnAt: Date? = nil, explanation: DueExplanation) {
        self.targetMinutes = targetMinutes
        self.dueAt = dueAt
        self.warnAt = min(warnAt ?? dueAt, dueAt)
        self.explanation = explanation
    }

    /// The share of the target after which the monitor warns, in percent.
    public static let warningPercent = 75

    /// Minutes of `total` after which the warning is due (rounded up).
    static func warningMinutes(of total: Int) -> Int {
        let (product, overflow) = total.multipliedReportingOverflow(by: warningPercent)
        return overflow ? total / 100 * warningPercent : (product + 99) / 100
    }

    /// The documented first-response targets in minutes; `response_targets` in the database is
    /// authoritative.
    public static let defaultTargets: [SupportPlan: [Severity: Int]] = [
        .premier: [.a: 60, .b: 120, .c: 240],
        .professional: [.a: 120, .b: 240, .c: 480],
        .trial: [.a: 120, .b: 240, .c: 480],
    ]

    /// The due time of the first response to a request submitted at `startedAt`.
    ///
    /// Severity A, or a queue without a calendar, runs around the clock: `targetMinutes` plus
    /// `pausedMinutes` elapsed minutes. Otherwise the calendar counts as many business minutes,
    /// starting at the next opening when `startedAt` is outside business hours. `pausedMinutes`
    /// (time the clock stood still, e.g. waiting for the customer) push the due time back; negative
    /// minutes count as 0. The first step names the start `startedAs` (a re-baseline after a
    /// severity change starts at the change, not at the submission).
    public static func compute(plan: SupportPlan, severity: Severity, targetMinutes: Int, startedAt: Date,
                               calendar: BusinessCalendar?, pausedMinutes: Int = 0,
                               startedAs: String = "submitted") -> ResponseDue {
        let target = max(0, targetMinutes)
        let paused = max(0, pausedMinutes)
        let (sum, overflow) = target.addingReportingOverflow(paused)
        let total = overflow ? Int.max : sum
        let zone = calendar?.clock.timeZone ?? .gmt
        func at(_ instant: Date) -> String { LocalDate.describe(instant, in: zone) }

        var steps = ["\(startedAs) \(at(startedAt)) \(calendar?.timeZone ?? "UTC")"]
        let clock: String
        let dueAt: Date
        let warnAt: Date
        if let calendar, !severity.aroundTheClock {
            clock = "business hours (calendar: \(calendar.name), \(calendar.timeZone))"
            let walk = calendar.walk(businessMinutes: total, from: startedAt, recording: true)
            let clockStart = walk.counted.first?.start ?? walk.due
            steps.append(clockStart == startedAt
                ? "within business hours: the clock starts at once"
                : "outside business hours: clock starts \(at(clockStart))")
            if paused > 0 { steps.append("paused \(durationText(minutes: paused)): added to the \(durationText(minutes: target)) target") }
            steps.append("counting \(durationText(minutes: total)) of business hours")
            steps += closures(in: walk.counted, calendar: calendar, zone: zone)
            dueAt = walk.due
            warnAt = calendar.walk(businessMinutes: warningMinutes(of: total), from: startedAt, recording: false).due
        } else {
            clock = severity.aroundTheClock
                ? "around the clock (severity \(severity.rawValue))"
                : "around the clock (no business-hours calendar configured)"
            if paused > 0 { steps.append("paused \(durationText(minutes: paused)): added to the \(durationText(minutes: target)) target") }
            steps.append("adding \(durationText(minutes: total)) around the clock")
            dueAt = startedAt.addingTimeInterval(TimeInterval(total) * 60)
            warnAt = startedAt.addingTimeInterval(TimeInterval(warningMinutes(of: total)) * 60)
        }
        steps.append("due \(at(dueAt))")
        let explanation = DueExplanation(
            policy: "\(plan.rawValue) plan, severity \(severity.rawValue): first response within \(durationText(minutes: target))",
            clock: clock, startedAt: startedAt, pausedMinutes: paused, steps: steps)
        return ResponseDue(targetMinutes: target, dueAt: dueAt, warnAt: warnAt, explanation: explanation)
    }

    /// Whether the first response met its due time: met when given at or before `due`, breached
    /// when given later or still missing after `due`, pending otherwise. A request withdrawn
    /// without a response (`stoppedAt`) stopped the clock: breached if that came after `due`,
    /// else stopped (neither met nor breached).
    public static func status(due: Date, firstResponseAt: Date?, stoppedAt: Date? = nil, now: Date) -> ResponseStatus {
        if let firstResponseAt { return firstResponseAt <= due ? .met : .breached }
        if let stoppedAt { return stoppedAt > due ? .breached : .stopped }
        return now > due ? .breached : .pending
    }

    /// A duration as explanations write it: "45 min", "2 h", "1 h 30 min" (negative counts as 0).
    public static func durationText(minutes: Int) -> String {
        let minutes = max(0, minutes)
        let hours = minutes / 60, rest = minutes % 60
        if hours == 0 { return "\(minutes) min" }
        return rest == 0 ? "\(hours) h" : "\(hours) h \(rest) min"
    }

    /// At most this many closures are listed; the rest are counted.
    private static let listedClosures = 10

    /// One line per closure the count ran through: what was counted before it, when it reopens,
    /// and the holidays in it.
    private static func closures(in counted: [OpenPeriods.Period], calendar: BusinessCalendar,
                                 zone: TimeZone) -> [String] {
        var merged: [OpenPeriods.Period] = []
        for period in counted {
            if let last = merged.last, last.end == period.start {
                merged[merged.count - 1].end = period.end
            } else {
                merged.append(period)
            }
        }
        var lines: [String] = []
        for (period, next) in zip(merged, merged.dropFirst()) {
            guard lines.count < listedClosures else {
                lines.append("… and \(merged.count - 1 - listedClosures) more closures")
                break
            }
            let minutes = Int((period.end.timeIntervalSince(period.start) / 60).rounded())
            var line = "counted \(durationText(minutes: minutes)) until \(LocalDate.describe(period.end, in: zone)); "
                + "closed until \(LocalDate.describe(next.start, in: zone))"
            let first = LocalDate(containing: period.end, in: zone), last = LocalDate(containing: next.start, in: zone)
            let holidays = calendar.holidayDates.filter { $0 >= first && $0 <= last }.sorted()
            if !holidays.isEmpty { line += " (holiday: \(holidays.map(\.iso).joined(separator: ", ")))" }
            lines.append(line)
        }
        return lines
    }
}

/// How a due time was computed, in words a customer can check. Stored with the request as `jsonb`.
public struct DueExplanation: Sendable, Equatable, Codable {
    /// The target that applies, e.g. "premier plan, severity B: first response within 2 h".
    public var policy: String
    /// Which clock counts: "around the clock (severity A)", "business hours (calendar: <name>, <time zone>)"
    /// or "around the clock (no business-hours calendar configured)".
    public var clock: String
    /// When the clock was started (submission).
    public var startedAt: Date
    /// Minutes the clock stood still, added to the target.
    public var pausedMinutes: Int
    /// The computation line by line, e.g. "submitted Fri 2026-11-27 17:30 Asia/Tokyo",
    /// "outside business hours: clock starts Mon 2026-11-30 09:00", "due Mon 2026-11-30 10:30".
    public var steps: [String]

    public init(policy: String, clock: String, startedAt: Date, pausedMinutes: Int, steps: [String]) {
        self.policy = policy
        self.clock = clock
        self.startedAt = startedAt
        self.pausedMinutes = pausedMinutes
        self.steps = steps
    }
}

/// Whether a first response met its due time.
public enum ResponseStatus: String, Codable, Sendable, CaseIterable {
    /// Not responded yet, and not yet late.
    case pending
    /// Responded at or before the due time.
    case met
    /// Responded after the due time, or not responded and the due time has passed.
    case breached
    /// Withdrawn before the due time without a response: the clock stopped.
    case stopped
}
