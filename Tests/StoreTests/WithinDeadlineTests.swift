import Dispatch
import Foundation
@testable import Store
import Testing

/// `withinDeadline`: the answer, the failure, or `nil` at the deadline, also when the work does
/// not notice its cancellation.
@Suite("Within a deadline", .timeLimit(.minutes(1)))
struct WithinDeadlineTests {
    struct Refused: Error {}

    @Test("a value that comes in time is returned; a failure in time is thrown")
    func inTime() async throws {
        let value = try await withinDeadline(.seconds(5)) { 42 }
        #expect(value == 42)
        await #expect(throws: Refused.self) {
            _ = try await withinDeadline(.seconds(5)) { () async throws -> Int in throw Refused() }
        }
    }

    @Test("work that ignores cancellation does not hold the caller past the deadline")
    func ignoresCancellation() async throws {
        let start = ContinuousClock.now
        let value = try await withinDeadline(.milliseconds(200)) { () async -> Int in
            // A wait nothing can cancel, like a pool's request for a connection it cannot open.
            await withCheckedContinuation { continuation in
                DispatchQueue.global().asyncAfter(deadline: .now() + 3) { continuation.resume() }
            }
            return 1
        }
        let waited = ContinuousClock.now - start
        #expect(value == nil)
        #expect(waited < .seconds(3), "returned after \(waited), when the work ended, not at its deadline")
    }

    @Test("cancelling the caller ends the wait with CancellationError")
    func callerCancelled() async throws {
        let task = Task {
            try await withinDeadline(.seconds(30)) { () async throws -> Int in
                try await Task.sleep(for: .seconds(30))
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
    }
}
