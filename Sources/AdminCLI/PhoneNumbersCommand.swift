import ArgumentParser
import Contracts
import Foundation
import Messaging
import Store
import WorkerService

struct PhoneNumbersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phone-numbers", abstract: "Show and edit the phone-support directory.",
        subcommands: [List.self, Import.self, Remove.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the directory as JSON.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this country (ISO 3166-1 alpha-2).") var country: String?

        func run() async throws {
            let lines = try await Database.with(try global.ownerDatabase(), logger: try global.logger()) { database in
                try await PhoneDirectory(database: database).lines(country: country?.uppercased())
            }
            print(String(decoding: try JSONCodec.encode(lines), as: UTF8.self))
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or update lines from a JSON file (an array of entries, as `list` prints).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "JSON file.") var file: String

        func run() async throws {
            let count = try await PhoneDirectoryImport.run(file: file, database: try global.ownerDatabase(), logger: try global.logger())
            print("imported \(count) line(s)")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove one line.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Country (ISO 3166-1 alpha-2).") var country: String
        @Option(help: "Phone number exactly as listed.") var phoneNumber: String

        func run() async throws {
            let removed = try await Database.with(try global.ownerDatabase(), logger: try global.logger()) { database in
                try await PhoneDirectory(database: database).remove(country: country.uppercased(), phoneNumber: phoneNumber)
            }
            print(removed ? "removed" : "no such line")
            if !removed { throw ExitCode(1) }
        }
    }
}
