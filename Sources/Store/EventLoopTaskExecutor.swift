import NIOCore

/// Runs task jobs on one event loop. A transaction whose task prefers the event loop of its
/// connection sends each statement and continues with each answer on that loop's thread;
/// otherwise every statement costs two thread wake-ups (to the loop to send, back to the task's
/// executor to continue), a large part of a short transaction's time on a small machine. The
/// gateway runs each HTTP connection's handling on its channel's loop for the same reason.
///
/// - Important: Work run this way delays the other connections of the loop while it runs, so
///   it must be short and must never block: statements and the code between them, not hashing
///   large inputs or waiting on locks (`NIOThreadPool` or a detached task is the place for that).
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
