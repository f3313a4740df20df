import ServiceLifecycle

/// Runs `work` (a consumer's loop and the messages in hand) until it ends. A graceful shutdown
/// calls `stop` (take nothing new) and lets the work finish for `grace`, then cancels it: work
/// stuck on an unreachable dependency must not keep the process from stopping, and what it had
/// not settled is redelivered. Cancelling the caller cancels the work at once.
public func runWithShutdownGrace(
    _ grace: Duration, stop: @escaping @Sendable () -> Void, _ work: Task<Void, any Error>
) async throws {
    try await withTaskCancellationHandler {
        try await withGracefulShutdownHandler {
            try await work.value
        } onGracefulShutdown: {
            stop()
            Task {
                try await Task.sleep(for: grace)
                work.cancel()
            }
        }
    } onCancel: {
        work.cancel()
    }
}
