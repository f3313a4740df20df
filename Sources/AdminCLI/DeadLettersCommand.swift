import AMQP
import ArgumentParser
import Foundation
import Messaging
import Settings
import Store
import WorkerService

struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters",
        abstract: "List, inspect and replay messages the work queues gave up on.",
        discussion: """
            A message a consumer keeps failing on is dead-lettered after the queue's delivery limit; a
            worker with the dead-letters role keeps it in PostgreSQL with the consumer's last error.
            Replaying publishes it again to the queue it died in (TD_AMQP_URL).
            """,
        subcommands: [List.self, Show.self, Replay.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the dead letters, newest first.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Include the ones already replayed.") var all = false
        @Option(help: "At most this many (1-1000).") var limit = 100
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
            let logger = try global.logger()
            let entries = try await Database.with(try global.ownerDatabase(), logger: logger) { database in
                try await DeadLetters(database: database, logger: logger).list(all: all, limit: limit)
            }
            if json {
                print(String(decoding: try JSONCodec.encode(entries), as: UTF8.self))
                return
            }
            print(["ID", "DEAD AT", "QUEUE", "REASON", "ROUTING KEY", "ATTEMPTS", "REPLAYED", "ERROR"].joined(separator: "\t"))
            for entry in entries {
                print([
                    String(entry.id), entry.deadAt.formatted(.iso8601), entry.queue, entry.reason, entry.routingKey,
                    entry.attempts.map(String.init) ?? "-", entry.replayedAt.map { $0.formatted(.iso8601) } ?? "-",
                    (entry.error ?? "-").replacingOccurrences(of: "\n", with: " ").prefix(120).description,
                ].joined(separator: "\t"))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one dead letter with its body, as JSON.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The dead letter's id (from list).") var id: Int64

        func run() async throws {
            let logger = try global.logger()
            let entry = try await Database.with(try global.ownerDatabase(), logger: logger) { database in
                try await DeadLetters(database: database, logger: logger).show(id)
            }
            guard let entry else {
                print("no dead letter \(id)")
                throw ExitCode(1)
            }
            print(String(decoding: try JSONCodec.encode(entry), as: UTF8.self))
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish dead letters again to the queue they died in.",
            discussion: "Fix the cause first (the error says what failed): a message that fails again dies again.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Dead letter ids (from list).") var ids: [Int64] = []
        @Flag(help: "Replay the dead letters not yet replayed, the newest 1000 at most (run again for more).") var all = false

        func validate() throws {
            if ids.isEmpty != all { throw ValidationError("give dead letter ids or --all (not both)") }
        }

        func run() async throws {
            let logger = try global.logger()
            let amqp: AMQPConfiguration
            do { amqp = try Settings.Environment.process.amqp(connectionName: "tenantdesk-admin") } catch {
                throw ValidationError("\(error)")
            }
            let ids = self.ids
            let all = self.all
            let (replayed, missing) = try await Database.with(try global.ownerDatabase(), logger: logger) { database in
                let deadLetters = DeadLetters(database: database, logger: logger)
                let targets = all ? try await deadLetters.list(limit: 1000).map(\.id) : ids
                let connection = try AMQPConnection(configuration: amqp, logger: logger)
                do {
                    try await connection.waitUntilConnected(timeout: .seconds(10))
                    var replayed: [Int64] = []
                    var missing: [Int64] = []
                    for id in targets {
                        if try await deadLetters.replay(id, through: connection) { replayed.append(id) } else { missing.append(id) }
                    }
                    await connection.close()
                    return (replayed, missing)
                } catch {
                    await connection.close()
                    throw error
                }
            }
            print("replayed \(replayed.count) dead letter(s)" + (replayed.isEmpty ? "" : ": " + replayed.map(String.init).joined(separator: ", ")))
            if !missing.isEmpty {
                print("no dead letter " + missing.map(String.init).joined(separator: ", "))
                throw ExitCode(1)
            }
        }
    }
}
