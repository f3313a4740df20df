/// One round of the assignment sweep: what it offered, what it assigned, and the queues and
/// languages nobody could take a request of. The policy's answer depends on the queue, the
/// language and the hour, not on the request, so within a round the other requests of such a
/// queue and language are passed over instead of being offered one transaction each.
public struct SweepRound: Sendable {
    /// A queue and a language, as requests wait in them.
    public struct Waiting: Hashable, Sendable {
        public var queue: String?
        public var language: String?

        public init(queue: String?, language: String?) {
            self.queue = queue
            self.language = language
        }
    }

    private var unserved: Set<Waiting> = []
    /// Requests offered to their queue this round.
    public private(set) var offered = 0
    /// Requests assigned this round.
    public private(set) var assigned = 0

    public init() {}

    /// Whether a request waiting in `waiting` is worth offering this round.
    public func shouldOffer(_ waiting: Waiting) -> Bool { !unserved.contains(waiting) }

    /// Records an offer's outcome (nil: the request was taken, locked or changed meanwhile).
    public mutating func record(_ outcome: AssignmentPolicy.Outcome?, for waiting: Waiting) {
        offered += 1
        switch outcome {
        case .assign: assigned += 1
        case .noMembers, .noLanguageMatch, .nobodyOnShift: unserved.insert(waiting)
        // Only this request's former engineer could take it: the queue's others may still be served.
        case .onlyReleasedFrom, nil: break
        }
    }
}
