// tenantdesk-bench-amqp: the scenarios of bench/raw/amqp_raw.c through the Swift AMQP client.
//
// Output (stdout, one figure per line, nothing else), in the format of the C program:
//   publish_confirm_rate <msgs/s>
//   consume_rate <msgs/s>
//   rpc1_p50_us <us>      rpc1_p99_us <us>
//   rpc16_p50_us <us>     rpc16_p99_us <us>
//   rpc16_rate <calls/s>
// Diagnostics go to stderr. Any error exits with status 1 and a message.
//
// Build: swift build -c release --scratch-path .build-bench --product tenantdesk-bench-amqp
// Run both programs and compare them with bench/amqp.
import AMQP
import Logging

LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .warning
    return handler
}

let options = Options.parse(CommandLine.arguments)
let logger = Logger(label: "tenantdesk.bench.amqp")

do {
    guard let configuration = AMQPConfiguration(url: options.url) else {
        throw BenchError("bad --url '\(options.url)'")
    }
    note("# \(configuration), count \(options.count), rpc-count \(options.rpcCount)")

    let queue = queueName("confirm")
    let publishRate = try await Scenario.publishConfirm(options, queue: queue, logger: logger)
    let consumeRate = try await Scenario.consume(options, queue: queue, logger: logger)
    let rpc = try await Scenario.rpc(options, logger: logger)

    print("publish_confirm_rate \(formatted(publishRate, decimals: 0))")
    print("consume_rate \(formatted(consumeRate, decimals: 0))")
    print("rpc1_p50_us \(formatted(rpc.p50One, decimals: 1))")
    print("rpc1_p99_us \(formatted(rpc.p99One, decimals: 1))")
    print("rpc16_p50_us \(formatted(rpc.p50Pipelined, decimals: 1))")
    print("rpc16_p99_us \(formatted(rpc.p99Pipelined, decimals: 1))")
    print("rpc16_rate \(formatted(rpc.ratePipelined, decimals: 0))")
} catch {
    fail("\(error)")
}
