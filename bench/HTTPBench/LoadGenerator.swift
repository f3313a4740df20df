import Foundation
import HTTPTypes
import Histogram
import HummingbirdTesting
import NIOCore
import Synchronization

/// HTTP load against the gateway, in two modes. Closed loop: each client sends its next request
/// when the previous one answered (peak throughput; it hides stalls, since a stalled client
/// sends nothing). Open loop: requests are due at a fixed rate whatever happens, and latency is
/// measured from when each was due (no coordinated omission).
struct LoadGenerator: Sendable {
    let host: String
    let port: Int
    /// One unit of work on a client's connection; returns whether it succeeded.
    let work: @Sendable (TestClient) async throws -> Bool

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
    func closedLoop(clients: Int, duration: Duration) async throws -> Result {
        let clock = ContinuousClock()
        let end = clock.now + duration
        let start = clock.now
        let results = try await withThrowingTaskGroup(of: (Int, Int, Histogram<UInt64>).self) { group in
            for _ in 0..<clients {
                group.addTask {
                    try await TestClient.withClient(host: host, port: port) { client in
                        var histogram = Self.histogram()
                        var completed = 0
                        var failed = 0
                        while clock.now < end {
                            let began = clock.now
                            let ok = try await work(client)
                            _ = histogram.record(Self.micros(clock.now - began))
                            if ok { completed += 1 } else { failed += 1 }
                        }
                        return (completed, failed, histogram)
                    }
                }
            }
            var total = (0, 0, Self.histogram())
            for try await (completed, failed, histogram) in group {
                total.0 += completed
                total.1 += failed
                total.2.add(histogram)
            }
            return total
        }
        let seconds = Double((clock.now - start).components.seconds) + Double((clock.now - start).components.attoseconds) / 1e18
        return Result(completed: results.0, failed: results.1, seconds: seconds, histogram: results.2)
    }

    /// Work due at `rate` per second for `duration`, on up to `connections` connections; each
    /// latency counts from when the work was due.
    func openLoop(rate: Double, connections: Int, duration: Duration) async throws -> Result {
        let clock = ContinuousClock()
        let start = clock.now + .milliseconds(50)
        let interval = Duration.nanoseconds(Int64(1e9 / rate))
        let total = Int(rate * (Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18))
        let next = Counter()
        let results = try await withThrowingTaskGroup(of: (Int, Int, Histogram<UInt64>).self) { group in
            for _ in 0..<connections {
                group.addTask {
                    try await TestClient.withClient(host: host, port: port) { client in
                        var histogram = Self.histogram()
                        var completed = 0
                        var failed = 0
                        while true {
                            let index = next.increment()
                            guard index < total else { break }
                            let due = start + interval * index
                            if due > clock.now { try await clock.sleep(until: due) }
                            let ok = try await work(client)
                            _ = histogram.record(Self.micros(clock.now - due))
                            if ok { completed += 1 } else { failed += 1 }
                        }
                        return (completed, failed, histogram)
                    }
                }
            }
            var sum = (0, 0, Self.histogram())
            for try await (completed, failed, histogram) in group {
                sum.0 += completed
                sum.1 += failed
                sum.2.add(histogram)
            }
            return sum
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(completed: results.0, failed: results.1, seconds: seconds, histogram: results.2)
    }

    static func micros(_ duration: Duration) -> UInt64 {
        UInt64(max(0, duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000))
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
