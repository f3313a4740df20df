import Foundation
@testable import Store
import Synchronization
import Testing

/// `withinDeadline`: the answer, the failure, or `nil` at the deadline, also when the work does
/// not notice its cancellation.
@Suite("Within a deadline", .timeLimit(.minutes(1)))
struct WithinDeadlineTests {
    struct Refused: Error {}

    @Test("a value that comes in time is returned; a failure in time is thrown")
    func inTime() async throws {
        let value = try await withinDeadline(.seconds(30)) { 42 }
        #expect(value == 42)
        await #expect(throws: Refused.self) {
            _ = try await withinDeadline(.seconds(30)) { () async throws -> Int in throw Refused() }
        }
    }

    @Test("work that ignores cancellation does not hold the caller: it answers nil while the work still waits")
    func ignoresCancellation() async throws {
        let gate = Gate()
        let value = try await withinDeadline(.milliseconds(200)) { () async -> Int in
            // A wait nothing can cancel, like a pool's request for a connection it cannot open:
            // it ends only when the test opens the gate, after withinDeadline has answered.
            await gate.wait()
            return 1
        }
        #expect(value == nil)
        #expect(!gate.isOpen, "withinDeadline answered only after the work ended")
        gate.open()
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

/// A wait that ignores cancellation and ends when `open()` is called.
private final class Gate: Sendable {
    private struct State {
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    var isOpen: Bool { state.withLock { $0.open } }

    func wait() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
