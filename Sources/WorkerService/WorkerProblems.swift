import Contracts
import Domain
import Foundation

/// The problems the worker's request operations answer with.
enum WorkerProblems {
    static let notFound = RPCProblem.notFound

    static func invalid(_ detail: String) -> RPCProblem { RPCProblem.invalid(detail) }

    static func violation(_ violation: IntakeRules.Violation, also others: [IntakeRules.Violation]) -> RPCProblem {
        var detail = violation.detail
        if !others.isEmpty { detail += "; also: " + others.map(\.detail).joined(separator: "; ") }
        return RPCProblem(status: 422, type: violation.problemType, title: violation.title, detail: detail)
    }

    static func transitionRefused(_ refusal: TransitionRefusal) -> RPCProblem {
        let allowed = refusal.allowed.isEmpty ? "none" : refusal.allowed.map(\.rawValue).joined(separator: ", ")
        return RPCProblem(
            status: 409, type: ProblemType.invalidTransition, title: "Transition not allowed",
            detail: "\(refusal.reason) (status \(refusal.from.rawValue); allowed: \(allowed))")
    }

    static let stale = RPCProblem(
        status: 412, type: ProblemType.preconditionFailed, title: "Precondition failed",
        detail: "the request changed since it was read: GET it again and retry with the new ETag")
}

extension ActingContext {
    /// The tenant acted in; an unparsable id is simply not found.
    func tenant() throws(RPCProblem) -> UUID {
        guard let id = UUID(uuidString: tenantID) else { throw WorkerProblems.notFound }
        return id
    }

    func admin() throws(RPCProblem) -> UUID {
        guard let id = UUID(uuidString: adminID) else { throw WorkerProblems.notFound }
        return id
    }

    var relationship: UUID? { viaRelationshipID.flatMap(UUID.init(uuidString:)) }

    var supportAudience: Bool { side == .support }
}

/// Parses a path id; an unparsable one is simply not found.
func requestID(_ raw: String) throws(RPCProblem) -> UUID {
    guard let id = UUID(uuidString: raw) else { throw WorkerProblems.notFound }
    return id
}
