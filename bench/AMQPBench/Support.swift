import AMQP
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A benchmark failure: printed as `amqp_bench: error: …`, exit status 1.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes `text` and a newline to stderr (unbuffered; avoids the C `stderr` global).
func note(_ text: String) {
    let line = Array((text + "\n").utf8)
    line.withUnsafeBytes { raw in
        guard var base = raw.baseAddress else { return }
        var left = raw.count
        while left > 0 {
            let written = write(2, base, left)
            guard written > 0 else { return }
            base += written
            left -= written
        }
    }
}

func fail(_ message: String) -> Never {
    note("amqp_bench: error: \(message)")
    exit(1)
}

func usage() -> Never {
    note(
        """
        usage: tenantdesk-bench-amqp [--url amqp://user:pass@host:port/vhost] [--count N] [--rpc-count N]
          --url        default amqp://guest:guest@127.0.0.1:5672/%2f
          --count      messages for publish/consume (default 20000)
          --rpc-count  calls for each RPC figure (default 5000)
        """)
    exit(2)
}

/// Command line, with the same flags and defaults as bench/raw/amqp_raw.c.
struct Options {
    var url = "amqp://guest:guest@127.0.0.1:5672/%2f"
    var count = 20_000
    var rpcCount = 5_000

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 1
        while index < arguments.count {
            let flag = arguments[index]
            if flag == "--help" || flag == "-h" { usage() }
            guard index + 1 < arguments.count else {
                note("amqp_bench: unknown or incomplete option '\(flag)'")
                usage()
            }
            let value = arguments[index + 1]
            switch flag {
            case "--url": options.url = value
            case "--count": options.count = parseCount(value, flag)
            case "--rpc-count": options.rpcCount = parseCount(value, flag)
            default:
                note("amqp_bench: unknown option '\(flag)'")
                usage()
            }
            index += 2
        }
        return options
    }

    private static func parseCount(_ text: String, _ flag: String) -> Int {
        guard let value = Int(text), (1...100_000_000).contains(value) else {
            note("amqp_bench: \(flag) needs a positive integer, got '\(text)'")
            usage()
        }
        return value
    }
}

// MARK: time and statistics

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var seconds: Double { Double(nanoseconds) / 1e9 }
}

/// Nearest-rank percentile of ascending nanosecond values, in microseconds (as amqp_raw.c).
func percentileMicroseconds(_ sorted: [Int64], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    var rank = Int((p / 100.0) * Double(sorted.count) + 0.999999999)
    rank = min(max(rank, 1), sorted.count)
    return Double(sorted[rank - 1]) / 1000.0
}

/// `printf("%.0f")` and `printf("%.1f")` for the non-negative figures, without Foundation.
func formatted(_ value: Double, decimals: Int) -> String {
    guard value.isFinite, value >= 0 else { return "\(value)" }
    if decimals == 0 { return String(Int64(value.rounded())) }
    let tenths = Int64((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
}

// MARK: connections

/// One client connection per scenario, as the C program opens one per scenario.
func openConnection(_ options: Options, name: String, logger: Logger) async throws -> AMQPConnection {
    guard let configuration = AMQPConfiguration(url: options.url, connectionName: name) else {
        throw BenchError("bad --url '\(options.url)'")
    }
    let connection = try AMQPConnection(configuration: configuration, logger: logger)
    connection.start()
    do {
        try await connection.waitUntilConnected(timeout: .seconds(15))
    } catch {
        await connection.close()
        throw BenchError("\(name): \(error)")
    }
    return connection
}

/// `rawbench.<kind>.<pid>.<ns>` in the C program; `swiftbench.<kind>.<pid>.<random>` here.
func queueName(_ kind: String) -> String {
    var generator = SystemRandomNumberGenerator()
    let suffix = String(generator.next() as UInt64, radix: 16)
    return "swiftbench.\(kind).\(getpid()).\(suffix)"
}

/// A counter shared by tasks.
final class SharedCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// Returns the value before the increment.
    func next() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }

    var current: Int { value.load(ordering: .relaxed) }
}
