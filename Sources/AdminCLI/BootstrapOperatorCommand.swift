import ArgumentParser
import Foundation
import RoleService
import Settings
import Store

struct BootstrapOperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap-operator",
        abstract: "Create the vendor tenant and the first platform operator (once).",
        discussion: """
            The password comes from --password-file, else TD_BOOTSTRAP_PASSWORD, else a prompt \
            when standard input is a terminal; never from the command line. Running it again when \
            an operator exists changes nothing.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Display name of the operator.")
    var name: String

    @Option(help: "Login email of the operator.")
    var email: String

    @Option(help: "File whose first line is the password.")
    var passwordFile: String?

    @Option(help: "Display name of the vendor (support) tenant.")
    var vendorName: String = "Support"

    func run() async throws {
        let logger = try global.logger()
        let cost = try Settings.Environment.process.int("TD_BCRYPT_COST", default: 12, in: 10...16)
        let password = try PasswordSource.read(file: passwordFile)
        let outcome = try await Database.with(try global.ownerDatabase(), logger: logger) { database in
            try await OperatorBootstrap(database: database, hasher: PasswordHasher(cost: cost))
                .run(name: name, email: email, password: password, vendorName: vendorName)
        }
        switch outcome {
        case .created(let adminID, _):
            print("created platform operator \(email.lowercased()) (\(adminID.uuidString.lowercased()))")
        case .alreadyBootstrapped(let existing):
            print("a platform operator exists already (\(existing)); nothing changed")
        }
    }
}
