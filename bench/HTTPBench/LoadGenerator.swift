import Foundation
import Histogram
import Synchronization

/// HTTP load against the gateway, in two modes. Closed loop: each client sends its next request
/// when the previous one answered (peak throughput; it hides stalls, since a stalled client
/// sends nothing). Open loop: requests are due at a fixed rate whatever happens, and latency is
/// measured from when each was due (no coordinated omission).
///
/// Each client is a thread of its own with one blocking connection (`HTTPConnection`): the time
/// between the clock and the socket is a system call, not a trip through an event loop and the
/// task scheduler, so the figures are the server's.
struct LoadGenerator: Sendable {
    let host: String
    let port: Int
    /// One unit of work on a client's connection; returns whether it succeeded.
    let work: @Sendable (HTTPConnection) throws -> Bool

    struct Result {
        var completed: Int
        var failed: Int
        var seconds: Double
        var histogram: Histogram<UInt64>

        var rate: Double { Double(completed) / seconds }
        func microseconds(_ percentile: Double) -> UInt64 { histogram.valueAtPercentile(percentile) }
    }

    static func histogram() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
    }

    /// `clients` connections, each working back to back for `duration`.
    func closedLoop(clients: Int, duration: Duration) throws -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        let end = start + duration
        let total = try onThreads(clients) { connection in
            var tally = Tally()
            while clock.now < end {
                let began = clock.now
                tally.record(ok: try work(connection), microseconds: Self.micros(clock.now - began))
            }
            return tally
        }
        return Result(completed: total.completed, failed: total.failed, seconds: Self.seconds(clock.now - start), histogram: total.histogram)
    }

    /// Work due at `rate` per second for `duration`, on up to `connections` connections; each
    /// latency counts from when the work was due.
    func openLoop(rate: Double, connections: Int, duration: Duration) throws -> Result {
        let clock = ContinuousClock()
        let start = clock.now + .milliseconds(50)
        let interval = Duration.nanoseconds(Int64(1e9 / rate))
        let count = Int(rate * Self.seconds(duration))
        let next = Counter()
        let total = try onThreads(connections) { connection in
            var tally = Tally()
            while true {
                let index = next.increment()
                guard index < count else { break }
                let due = start + interval * index
                let wait = due - clock.now
                if wait > .zero { Thread.sleep(forTimeInterval: Self.seconds(wait)) }
                tally.record(ok: try work(connection), microseconds: Self.micros(clock.now - due))
            }
            return tally
        }
        return Result(completed: total.completed, failed: total.failed, seconds: Self.seconds(clock.now - start), histogram: total.histogram)
    }

    /// Runs `body` on `count` threads, each with a connection of its own, and sums their tallies;
    /// the first error of any thread is thrown once all have stopped.
    private func onThreads(_ count: Int, _ body: @escaping @Sendable (HTTPConnection) throws -> Tally) throws -> Tally {
        let outcome = Mutex<(tally: Tally, error: BenchError?)>((Tally(), nil))
        let done = DispatchGroup()
        for _ in 0..<count {
            done.enter()
            let thread = Thread { [host, port] in
                defer { done.leave() }
                do {
                    let tally = try body(HTTPConnection(host: host, port: port))
                    outcome.withLock { $0.tally.add(tally) }
                } catch {
                    outcome.withLock { $0.error = $0.error ?? BenchError("\(error)") }
                }
            }
            thread.start()
        }
        done.wait()
        let (tally, error) = outcome.withLock { ($0.tally, $0.error) }
        if let error { throw error }
        return tally
    }

    static func micros(_ duration: Duration) -> UInt64 {
        UInt64(max(0, duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// What one client did: how many units succeeded and failed, and how long each took.
struct Tally: Sendable {
    var completed = 0
    var failed = 0
    var histogram = LoadGenerator.histogram()

    mutating func record(ok: Bool, microseconds: UInt64) {
        _ = histogram.record(microseconds)
        if ok { completed += 1 } else { failed += 1 }
    }

    mutating func add(_ other: Tally) {
        completed += other.completed
        failed += other.failed
        histogram.add(other.histogram)
    }
}

/// A shared counter of scheduled work.
final class Counter: Sendable {
    private let value = Mutex(0)

    /// The next index, from 0.
    func increment() -> Int {
        value.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
