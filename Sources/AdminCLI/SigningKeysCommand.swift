import ArgumentParser
import Foundation
import RoleService
import Store

struct SigningKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signing-keys",
        abstract: "List, rotate and retire the keys that sign access tokens.",
        discussion: """
            rotate adds a key; every role service signs with it within about two minutes (once it is 75 s old and reloaded), and gateways fetch \
            it when they first see it. Older keys keep verifying until retired: retire one once \
            the tokens it signed have expired (at most TD_ACCESS_TOKEN_TTL_SECONDS after the rotation).
            """,
        subcommands: [List.self, Rotate.self, Retire.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every key, newest first.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let keys = try await Database.with(try global.ownerDatabase(), logger: try global.logger()) { database in
                try await SigningKeyRepository(database: database).list().map { "\($0.kid)\t\($0.createdAt)\t\($0.retiredAt.map { "retired \($0)" } ?? "active")" }
            }
            keys.forEach { print($0) }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a new signing key.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let kid = try await Database.with(try global.ownerDatabase(), logger: try global.logger()) { database in
                try await SigningKeyRepository(database: database).rotate()
            }
            print("new signing key \(kid): role services sign with it within about two minutes")
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Retire a key: tokens it signed stop verifying.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The key id (kid).") var kid: String

        func run() async throws {
            let retired = try await Database.with(try global.ownerDatabase(), logger: try global.logger()) { database in
                do {
                    return try await SigningKeyRepository(database: database).retire(kid: kid)
                } catch let error as SigningKeyRepository.RetireNewest {
                    throw ValidationError(error.description)
                }
            }
            guard retired else { throw ValidationError("no active key \(kid)") }
            print("retired \(kid)")
        }
    }
}
