/// How badly a service request hurts the customer. `A` is the most severe.
///
/// Ordered most severe first (`A < B < C`), so sorting ascending lists the most urgent requests first.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    /// Production down or unusable: worked around the clock.
    case a = "A"
    /// Seriously impaired: worked on business hours when the queue has a calendar.
    case b = "B"
    /// Minor impact or a question: worked on business hours when the queue has a calendar.
    case c = "C"

    /// Whether the response clock runs 24×7 (only `A`). `B` and `C` run on the business hours of
    /// the queue's calendar when one is configured.
    public var aroundTheClock: Bool { self == .a }

    /// `A` sorts before `B`, which sorts before `C`.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .a: return 0
        case .b: return 1
        case .c: return 2
        }
    }
}
