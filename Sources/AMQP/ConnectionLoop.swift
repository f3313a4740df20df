import CRabbitMQ
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The thread that owns one rabbitmq-c connection: it connects, declares the topology, reads
/// frames, runs the commands tasks hand it, and reconnects with backoff when the connection drops.
///
/// - Important: Everything below `// Thread-confined` is touched only by the connection thread,
///   which holds `sessionLock` except while it waits in `poll()`. Other threads talk to it through
///   `submit`, which appends to a locked inbox and wakes the thread's `poll()` through an eventfd,
///   with one exception: `callDirectly` sends an RPC request itself when it can take the lock
///   while the thread waits (see there).
final class ConnectionLoop: @unchecked Sendable {
    struct Inbox {
        var commands: [ConnectionCommand] = []
        var signalled = false
        var closed = false
    }

    struct Status {
        var connected = false
        var blocked = false
        var lastError: AMQPError?
        /// Connections established so far (topology declared, consumers subscribed).
        var connections: UInt64 = 0
    }

    let configuration: AMQPConfiguration
    var logger: Logger
    let wakeFD: Int32
    private let inbox = Mutex(Inbox())
    let status = Mutex(Status())
    private let finished = Mutex<[CheckedContinuation<Void, Never>]?>([])
    /// The connection thread's id, so that `submit` from that thread skips the eventfd.
    private let loopThread = Atomic<UInt>(0)
    /// Held by the connection thread except while it waits in `poll()`.
    let sessionLock = SessionLock()

    // Thread-confined.
    var session: RabbitMQSession?
    var topology: AMQPTopology
    var publishTag: UInt64 = 0
    var confirms = ConfirmWindow()
    var calls: [String: PendingCall] = [:]
    var consumers: [Int: ConsumerState] = [:]
    var consumerByChannel: [UInt16: Int] = [:]
    var consumersWithPendingAcks: Set<Int> = []
    var content: [UInt16: PartialContent] = [:]
    var nextDeadline: ContinuousClock.Instant?
    var epoch: UInt64 = 0
    var nextChannel: UInt16 = ChannelNumber.firstConsumer
    var freeChannels: [UInt16] = []
    var stopping = false
    /// While the thread waits in `poll()`: when that wait ends at the latest.
    var waitingUntil: ContinuousClock.Instant?

    init(configuration: AMQPConfiguration, topology: AMQPTopology, logger: Logger) throws(AMQPError) {
        let fd = crabbitmq_wake_fd()
        guard fd >= 0 else { throw AMQPError(.connectFailed, "could not create an eventfd") }
        self.wakeFD = fd
        self.configuration = configuration
        self.topology = topology
        var logger = logger
        logger[metadataKey: AMQPLoggingKeys.broker] = "\(configuration)"
        logger[metadataKey: AMQPLoggingKeys.connectionName] = "\(configuration.connectionName)"
        self.logger = logger
    }

    deinit { close(wakeFD) }

    // MARK: cross-thread

    /// Hands `command` to the connection thread. Returns false once the loop has stopped.
    @discardableResult
    func submit(_ command: ConnectionCommand) -> Bool {
        let onLoopThread = loopThread.load(ordering: .relaxed) == ThreadID.current
        let (accepted, wake) = inbox.withLock { inbox -> (Bool, Bool) in
            guard !inbox.closed else { return (false, false) }
            inbox.commands.append(command)
            // The loop looks at the inbox again before it polls: no need to wake itself.
            if inbox.signalled || onLoopThread { return (true, false) }
            inbox.signalled = true
            return (true, true)
        }
        if wake { crabbitmq_wake_signal(wakeFD) }
        if !accepted { Self.refuse(command, with: AMQPError(.shutdown, "the AMQP connection is closed")) }
        return accepted
    }

    /// Sends an RPC request from the calling thread while the connection thread waits in `poll()`,
    /// which saves waking that thread for every call (the reply still arrives through it). Returns
    /// false, having done nothing, when the caller must `submit` the call instead: on the
    /// connection thread, while the thread works or reconnects, or when the send fails (the
    /// thread then meets the same failure and reconnects).
    func callDirectly(_ request: CallRequest) -> Bool {
        guard ContinuousClock.now < request.deadline else { return false }
        return whileLoopWaits { session, waitingUntil throws(AMQPError) in
            try send(request, on: session)
            return request.deadline < waitingUntil  // the wait would end after this call's deadline
        }
    }

    /// Publishes an RPC reply from the calling thread the same way: a handler that finishes on
    /// another thread (a database connection's event loop) answers without waking the connection
    /// thread first. Returns false, having done nothing, when the caller must `submit` it.
    func replyDirectly(routingKey: String, body: [UInt8], properties: AMQPProperties) -> Bool {
        whileLoopWaits { session, _ throws(AMQPError) in
            try session.publish(
                channel: ChannelNumber.rpc, exchange: "", routingKey: routingKey, body: body,
                properties: properties, mandatory: false)
            return false
        }
    }

    /// Runs `send` with the session on the calling thread when the connection thread is asleep in
    /// `poll()` and connected (it holds the session lock otherwise); `send` says whether the
    /// thread must wake up early. Returns false when `send` did not run or failed.
    private func whileLoopWaits(
        _ send: (RabbitMQSession, _ waitingUntil: ContinuousClock.Instant) throws(AMQPError) -> Bool
    ) -> Bool {
        guard loopThread.load(ordering: .relaxed) != ThreadID.current, sessionLock.tryLock() else { return false }
        defer { sessionLock.unlock() }
        guard !stopping, let session, let waitingUntil else { return false }
        let wake: Bool
        do throws(AMQPError) {
            wake = try send(session, waitingUntil)
        } catch {
            return false
        }
        // rabbitmq-c may have read frames while it wrote (they wait in its buffer, where poll()
        // does not see them).
        if session.hasBufferedInput || wake { crabbitmq_wake_signal(wakeFD) }
        return true
    }

    /// Waits until the thread has exited.
    func waitUntilFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyDone = finished.withLock { waiters -> Bool in
                guard waiters != nil else { return true }
                waiters?.append(continuation)
                return false
            }
            if alreadyDone { continuation.resume() }
        }
    }

    /// Takes the queued commands. The eventfd is drained separately, only when `poll()` reported
    /// it readable, so a pass that was not woken costs no system call here.
    func takeCommands() -> [ConnectionCommand] {
        inbox.withLock { inbox in
            inbox.signalled = false
            defer { inbox.commands.removeAll(keepingCapacity: true) }
            return inbox.commands
        }
    }

    // MARK: thread main

    /// Whether commands wait in the inbox (the loop then skips `poll()`).
    var hasQueuedCommands: Bool { inbox.withLock { !$0.commands.isEmpty } }

    /// The body of the connection thread.
    func run() {
        loopThread.store(ThreadID.current, ordering: .relaxed)
        sessionLock.lock()
        defer { sessionLock.unlock() }
        var delay = configuration.initialReconnectDelay
        while !stopping {
            do throws(AMQPError) {
                try connect()
                delay = configuration.initialReconnectDelay
                try serve()
            } catch {
                dropSession(error)
                guard !stopping else { break }
                logger.warning(
                    "AMQP connection unavailable, reconnecting",
                    metadata: [AMQPLoggingKeys.error: "\(error.message)", AMQPLoggingKeys.retryIn: "\(delay)"])
                idle(for: delay)
                delay = min(delay * 2, configuration.maximumReconnectDelay)
            }
        }
        shutDown()
    }

    private func connect() throws(AMQPError) {
        let session = try RabbitMQSession(configuration: configuration)
        self.session = session
        epoch &+= 1
        try openPublisherChannel(session)
        try openRPCChannel(session)
        try session.openChannel(ChannelNumber.management)
        try declare(topology, on: session)
        for id in consumers.keys.sorted() { try subscribe(id, on: session) }
        status.withLock {
            $0.connected = true
            $0.connections &+= 1
            $0.blocked = false
            $0.lastError = nil
        }
        logger.info("AMQP connected")
    }

    func openPublisherChannel(_ session: RabbitMQSession) throws(AMQPError) {
        try session.openChannel(ChannelNumber.publisher)
        try session.selectConfirms(ChannelNumber.publisher)
        publishTag = 0
        _ = confirms.reset()
    }

    func openRPCChannel(_ session: RabbitMQSession) throws(AMQPError) {
        try session.openChannel(ChannelNumber.rpc)
        _ = try session.consume(ChannelNumber.rpc, queue: ChannelNumber.directReplyTo, noAck: true)
    }

    func declare(_ topology: AMQPTopology, on session: RabbitMQSession) throws(AMQPError) {
        for exchange in topology.exchanges { try session.declare(exchange, channel: ChannelNumber.management) }
        for queue in topology.queues { try session.declare(queue, channel: ChannelNumber.management) }
        for binding in topology.bindings { try session.bind(binding, channel: ChannelNumber.management) }
    }

    /// Runs while connected: commands, frames, deadlines, then `poll()` until something happens.
    private func serve() throws(AMQPError) {
        var graceEnds: ContinuousClock.Instant?
        var events = WaitEvents.socket
        while true {
            guard let session else { throw AMQPError(.connectionLost, "no session") }
            try runCommands(connectedTo: session)
            // Read when the socket has data, when rabbitmq-c holds some, and on a timeout (which
            // is also when rabbitmq-c sends a due heartbeat and notices a silent broker).
            if events != WaitEvents.wake || session.hasBufferedInput {
                try readFrames(from: session)
                // Requests answered inline while reading are acknowledged now, not after the next wake.
                if !consumersWithPendingAcks.isEmpty { try flushAcks(on: session) }
            }
            let now = ContinuousClock.now
            expireDeadlines(now: now)
            try resubscribeDue(now: now, on: session)
            if stopping {
                if graceEnds == nil {
                    graceEnds = now + .seconds(2)
                    cancelConsumersForShutdown(on: session)
                }
                if confirms.isEmpty && calls.isEmpty || now >= (graceEnds ?? now) {
                    session.close()
                    self.session = nil
                    return
                }
            }
            if session.hasBufferedInput {
                events = WaitEvents.socket
                continue
            }
            if hasQueuedCommands {
                events = WaitEvents.wake
                continue
            }
            let timeout = pollTimeout(now: now)
            waitingUntil = now + .milliseconds(timeout)
            sessionLock.unlock()
            events = crabbitmq_wait(session.socketDescriptor, wakeFD, timeout)
            sessionLock.lock()
            waitingUntil = nil
            if events & WaitEvents.wake != 0 { crabbitmq_wake_reset(wakeFD) }
        }
    }

    private func pollTimeout(now: ContinuousClock.Instant) -> Int32 {
        var timeout = Duration.milliseconds(min(1000, max(100, configuration.heartbeatSeconds * 1000 / 4)))
        if let nextDeadline { timeout = min(timeout, max(.zero, nextDeadline - now)) }
        for consumer in consumers.values {
            if let at = consumer.resubscribeAt { timeout = min(timeout, max(.zero, at - now)) }
        }
        let (seconds, attoseconds) = timeout.components
        return Int32(seconds * 1000 + attoseconds / 1_000_000_000_000_000) + (attoseconds % 1_000_000_000_000_000 > 0 ? 1 : 0)
    }

    /// Waits `delay` before the next connection attempt while answering commands as a
    /// disconnected client would.
    private func idle(for delay: Duration) {
        let until = ContinuousClock.now + delay
        while !stopping {
            runCommandsDisconnected()
            let now = ContinuousClock.now
            expireDeadlines(now: now)
            guard now < until else { return }
            if hasQueuedCommands { continue }
            let (seconds, attoseconds) = (until - now).components
            let events = crabbitmq_wait(-1, wakeFD, Int32(seconds * 1000 + attoseconds / 1_000_000_000_000_000) + 1)
            if events & WaitEvents.wake != 0 { crabbitmq_wake_reset(wakeFD) }
        }
    }

    /// Forgets the broken connection and fails whatever depended on it.
    func dropSession(_ error: AMQPError) {
        session?.abandon()
        session = nil
        status.withLock {
            $0.connected = false
            $0.lastError = error
        }
        let lost = AMQPError(.connectionLost, "the connection dropped before the broker confirmed: \(error.message)")
        failConfirms(with: lost)
        failCalls(with: lost)
        content.removeAll()
        consumerByChannel.removeAll()
        consumersWithPendingAcks.removeAll()
        freeChannels.removeAll()
        nextChannel = ChannelNumber.firstConsumer
        for id in consumers.keys {
            consumers[id]?.channel = nil
            consumers[id]?.resubscribeAt = nil
            consumers[id]?.unsettled.removeAll()
            consumers[id]?.pendingAcks.removeAll()
        }
    }

    private func shutDown() {
        session?.close()
        session = nil
        status.withLock { $0.connected = false }
        let closedInbox = inbox.withLock { inbox -> [ConnectionCommand] in
            inbox.closed = true
            defer { inbox.commands.removeAll() }
            return inbox.commands
        }
        let error = AMQPError(.shutdown, "the AMQP connection was closed")
        for command in closedInbox { Self.refuse(command, with: error) }
        failConfirms(with: error)
        failCalls(with: error)
        for consumer in consumers.values { consumer.continuation.finish() }
        consumers.removeAll()
        logger.info("AMQP connection closed")
        let waiters = finished.withLock { waiters in
            defer { waiters = nil }
            return waiters ?? []
        }
        for waiter in waiters { waiter.resume() }
    }
}

extension ConnectionLoop: TaskExecutor {
    /// Runs a task job on the connection thread. Tasks that prefer this executor (the RPC server
    /// does) receive deliveries, run handlers and send replies without a thread hop.
    func enqueue(_ job: consuming ExecutorJob) {
        submit(.runJob(UnownedJob(job)))
    }

    func run(_ job: UnownedJob) {
        job.runSynchronously(on: asUnownedTaskExecutor())
    }
}

/// An integer identifying the calling thread.
enum ThreadID {
    static var current: UInt {
        #if canImport(Darwin)
        UInt(bitPattern: pthread_self())
        #else
        UInt(pthread_self())
        #endif
    }
}

/// The bits `crabbitmq_wait` returns.
enum WaitEvents {
    static let socket: Int32 = 1
    static let wake: Int32 = 2
}

/// Fixed channel numbers of a connection.
enum ChannelNumber {
    /// Publishes in confirm mode.
    static let publisher: UInt16 = 1
    /// RPC requests, replies, and the direct reply-to consumer.
    static let rpc: UInt16 = 2
    /// Declarations and queue inspection.
    static let management: UInt16 = 3
    /// Consumers get their own channels from here on.
    static let firstConsumer: UInt16 = 10
    static let directReplyTo = "amq.rabbitmq.reply-to"
}
