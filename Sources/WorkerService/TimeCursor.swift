import Contracts
import Foundation

/// The position after the last item of a page ordered newest first by creation time: the time
/// in microseconds since 1970 and the id, written `<micros>_<uuid>` (the notification feed, a
/// webhook's deliveries).
struct TimeCursor: Sendable {
    var micros: Int64
    var id: UUID

    init(micros: Int64, id: UUID) {
        self.micros = micros
        self.id = id
    }

    /// Reads a cursor a list returned; anything else is a 422.
    init(encoded: String) throws(RPCProblem) {
        let parts = encoded.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, let micros = Int64(parts[0]), TimeKey.accepts(micros), let id = UUID(uuidString: String(parts[1]))
        else {
            throw WorkerProblems.invalid("cursor is not one this list returned")
        }
        self.init(micros: micros, id: id)
    }

    var encoded: String { "\(micros)_\(id.text)" }
}
