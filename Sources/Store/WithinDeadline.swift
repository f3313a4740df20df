import Synchronization

/// Runs `operation` in a task of its own and returns its result, or `nil` once `limit` has
/// passed, cancelling it then.
///
/// Unlike a task group, this does not wait for the operation to notice the cancellation: a
/// query waiting for a pooled connection while PostgreSQL is away need not end when cancelled,
/// and a deadline must not stretch with it.
func withinDeadline<Value: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value? {
    let race = DeadlineRace<Value>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation, limit: limit, operation)
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The state of one `withinDeadline` call: its caller, until the first of the operation, the
/// timer and a cancellation answers it, and the two tasks to stop then.
private final class DeadlineRace<Value: Sendable>: Sendable {
    private struct State {
        var caller: CheckedContinuation<Value?, any Error>?
        var finished = false
        var tasks: [Task<Void, Never>] = []
    }

    private let state = Mutex(State())

    func start(
        _ caller: CheckedContinuation<Value?, any Error>, limit: Duration,
        _ operation: @escaping @Sendable () async throws -> Value
    ) {
        let cancelledAlready = state.withLock { state -> Bool in
            if state.finished { return true }
            state.caller = caller
            return false
        }
        if cancelledAlready {
            caller.resume(throwing: CancellationError())
            return
        }
        let work = Task {
            do {
                finish(.success(try await operation()))
            } catch {
                finish(.failure(error))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            finish(.success(nil))
        }
        let stopNow = state.withLock { state -> Bool in
            state.tasks = [work, timer]
            return state.finished
        }
        if stopNow {
            work.cancel()
            timer.cancel()
        }
    }

    /// Answers the caller with `result` unless it was answered already, and stops both tasks.
    func finish(_ result: Result<Value?, any Error>) {
        let (caller, tasks) = state.withLock { state -> (CheckedContinuation<Value?, any Error>?, [Task<Void, Never>]) in
            guard !state.finished else { return (nil, []) }
            state.finished = true
            defer { state.caller = nil }
            return (state.caller, state.tasks)
        }
        for task in tasks { task.cancel() }
        caller?.resume(with: result)
    }
}
