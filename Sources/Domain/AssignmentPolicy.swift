import Foundation

/// Who gets a newly triaged request: among the queue's active members who speak the request's
/// language and are on shift, the one with the least open work; ties go to the member whose
/// last assignment is oldest (then by id, so the choice is deterministic).
public enum AssignmentPolicy {
    /// A queue member as the policy sees them.
    public struct Candidate: Sendable, Equatable {
        public var id: UUID
        public var languages: [String]
        /// The shift; nil means always on shift.
        public var shift: BusinessCalendar?
        /// Unresolved requests assigned to them, across every queue and tenant.
        public var openRequests: Int
        /// When they were last given a request (nil: never).
        public var lastAssignedAt: Date?

        public init(id: UUID, languages: [String], shift: BusinessCalendar?, openRequests: Int, lastAssignedAt: Date? = nil) {
            self.id = id
            self.languages = languages
            self.shift = shift
            self.openRequests = openRequests
            self.lastAssignedAt = lastAssignedAt
        }
    }

    /// Why nobody was chosen.
    public enum Outcome: Sendable, Equatable {
        case assign(UUID)
        /// The queue has no active member.
        case noMembers
        /// Nobody speaks the language.
        case noLanguageMatch
        /// Members speak it, but none is on shift now.
        case nobodyOnShift
        /// The only members who could take it now are the one it was released from. Unlike the
        /// other outcomes this says nothing about the queue's other requests.
        case onlyReleasedFrom
    }

    /// Chooses an engineer for a request in `language` (nil: any) at `now`, passing over
    /// `releasedFrom`, the engineer who gave the request back.
    public static func choose(
        for language: String?, among candidates: [Candidate], at now: Date, releasedFrom: UUID? = nil
    ) -> Outcome {
        guard !candidates.isEmpty else { return .noMembers }
        let speaking = candidates.filter { speaks($0.languages, language) }
        guard !speaking.isEmpty else { return .noLanguageMatch }
        let onShift = speaking.filter { $0.shift?.isOpen(at: now) ?? true }
        guard !onShift.isEmpty else { return .nobodyOnShift }
        guard let best = onShift.filter({ $0.id != releasedFrom }).min(by: isBetter) else { return .onlyReleasedFrom }
        return .assign(best.id)
    }

    /// Whether `languages` cover `language`, comparing primary subtags (`ja` serves `ja-JP`).
    public static func speaks(_ languages: [String], _ language: String?) -> Bool {
        guard let language else { return true }
        let wanted = primary(language)
        return languages.contains { primary($0) == wanted }
    }

    private static func primary(_ tag: String) -> Substring {
        tag.lowercased().split(separator: "-", maxSplits: 1).first ?? ""
    }

    private static func isBetter(_ a: Candidate, _ b: Candidate) -> Bool {
        if a.openRequests != b.openRequests { return a.openRequests < b.openRequests }
        let aLast = a.lastAssignedAt ?? .distantPast
        let bLast = b.lastAssignedAt ?? .distantPast
        if aLast != bLast { return aLast < bLast }
        return a.id.uuidString < b.id.uuidString
    }
}
