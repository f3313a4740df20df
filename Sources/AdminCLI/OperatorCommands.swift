import ArgumentParser
import Contracts
import Domain
import Foundation
import Messaging
import RoleService
import Settings
import Store

/// Options of the commands that act as a platform operator.
struct OperatorOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("as"), help: "Login email of the platform operator to act as (default: TD_OPERATOR_EMAIL).")
    var operatorEmail: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    /// Runs `body` with a console acting as the operator; a refusal of the service is printed
    /// as `status type: detail` and exits non-zero.
    func withConsole<T: Sendable>(_ body: @Sendable (OperatorConsole) async throws -> T) async throws -> T {
        guard let email = operatorEmail ?? ProcessInfo.processInfo.environment["TD_OPERATOR_EMAIL"], !email.isEmpty else {
            throw ValidationError("name the platform operator to act as: --as EMAIL or TD_OPERATOR_EMAIL")
        }
        let logger = try global.logger()
        let cost = try Settings.Environment.process.int("TD_BCRYPT_COST", default: 12, in: 10...16)
        do {
            return try await Database.with(try global.ownerDatabase(), logger: logger) { database in
                let console = try await OperatorConsole(database: database, operatorEmail: email, bcryptCost: cost, logger: logger)
                return try await body(console)
            }
        } catch let problem as RPCProblem {
            throw ValidationError("\(problem.status) \(problem.type.split(separator: ":").last ?? ""): \(problem.detail ?? problem.title)")
        } catch let error as OperatorConsole.ConsoleError {
            throw ValidationError(error.description)
        }
    }

    func print<T: Encodable>(_ value: T, table: () -> [[String]]) throws {
        if json {
            Swift.print(String(decoding: try JSONCodec.encode(value), as: UTF8.self))
            return
        }
        for row in table() { Swift.print(row.joined(separator: "\t")) }
    }
}

struct TenantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenants",
        abstract: "List, create, change, suspend and reactivate tenants, as a platform operator.",
        discussion: "Goes through the role service's own checks and audit log, acting as the operator named by --as.",
        subcommands: [List.self, Create.self, Update.self, Suspend.self, Activate.self])

    static func rows(_ tenants: [TenantView]) -> [[String]] {
        [["ID", "KIND", "NAME", "COUNTRY", "LANGUAGE", "PLAN", "STATUS"]]
            + tenants.map { [$0.id, $0.kind.rawValue, $0.displayName, $0.country, $0.defaultLanguage, $0.supportPlan, $0.status] }
    }

    /// Suspends or reactivates a tenant and prints it.
    static func set(_ id: String, status: String, _ options: OperatorOptions) async throws {
        let tenant = try await options.withConsole { try await $0.updateTenant(id, name: nil, language: nil, plan: nil, status: status) }
        try options.print(tenant) { rows([tenant]) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the tenants.")
        @OptionGroup var options: OperatorOptions
        @Option(help: "Only this kind: customer, partner or vendor.") var kind: String?
        @Option(help: "Only this status: active or suspended.") var status: String?

        func run() async throws {
            let kind = try kind.map { raw in
                guard let kind = TenantKind(rawValue: raw) else { throw ValidationError("--kind must be customer, partner or vendor") }
                return kind
            }
            let status = self.status
            let tenants = try await options.withConsole { try await $0.listTenants(kind: kind, status: status) }
            try options.print(tenants) { TenantsCommand.rows(tenants) }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a tenant, optionally with its first administrator (password from --password-file, else TD_ADMIN_PASSWORD, else a prompt).")
        @OptionGroup var options: OperatorOptions
        @Option(help: "customer or partner.") var kind: String
        @Option(help: "Display name.") var name: String
        @Option(help: "ISO 3166-1 alpha-2 country code, e.g. JP.") var country: String
        @Option(help: "Default language tag.") var language = "en"
        @Option(help: "Support plan: premier, professional or trial.") var plan = "professional"
        @Option(help: "Name of the first administrator.") var adminName: String?
        @Option(help: "Email of the first administrator (tenant_admin, or partner_admin for a partner).") var adminEmail: String?
        @Option(help: "File whose first line is the first administrator's password.") var passwordFile: String?

        func run() async throws {
            guard let kind = TenantKind(rawValue: kind), kind != .vendor else { throw ValidationError("--kind must be customer or partner") }
            var first: NewAdmin?
            if let adminEmail {
                let password = try PasswordSource.read(file: passwordFile, variable: "TD_ADMIN_PASSWORD")
                first = NewAdmin(
                    name: adminName ?? adminEmail, email: adminEmail, password: password,
                    roles: [kind == .partner ? .partnerAdmin : .tenantAdmin])
            }
            let (name, country, language, plan, admin) = (name, country, language, plan, first)
            let tenant = try await options.withConsole {
                try await $0.createTenant(kind: kind, name: name, country: country, language: language, plan: plan, firstAdmin: admin)
            }
            try options.print(tenant) { TenantsCommand.rows([tenant]) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a tenant's name, language or plan.")
        @OptionGroup var options: OperatorOptions
        @Argument(help: "The tenant's id.") var id: String
        @Option(help: "New display name.") var name: String?
        @Option(help: "New default language tag.") var language: String?
        @Option(help: "New support plan.") var plan: String?

        func run() async throws {
            let (id, name, language, plan) = (id, name, language, plan)
            let tenant = try await options.withConsole {
                try await $0.updateTenant(id, name: name, language: language, plan: plan, status: nil)
            }
            try options.print(tenant) { TenantsCommand.rows([tenant]) }
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a tenant: its administrators can no longer act.")
        @OptionGroup var options: OperatorOptions
        @Argument(help: "The tenant's id.") var id: String

        func run() async throws { try await TenantsCommand.set(id, status: "suspended", options) }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reactivate a suspended tenant.")
        @OptionGroup var options: OperatorOptions
        @Argument(help: "The tenant's id.") var id: String

        func run() async throws { try await TenantsCommand.set(id, status: "active", options) }
    }
}

struct AdminsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admins",
        abstract: "List, create, re-role, disable and re-enable a tenant's administrators, as a platform operator.",
        discussion: "The last active tenant admin of a customer cannot be disabled or demoted, here as in the API.",
        subcommands: [List.self, Create.self, Update.self, Disable.self, Enable.self])

    static func rows(_ admins: [AdminView]) -> [[String]] {
        [["ID", "NAME", "EMAIL", "ROLES", "STATUS"]]
            + admins.map { [$0.id, $0.name, $0.email, $0.roles.map(\.rawValue).joined(separator: ","), $0.status] }
    }

    /// Disables or re-enables an administrator and prints them.
    static func set(_ id: String, in tenant: String, status: String, _ options: OperatorOptions) async throws {
        let admin = try await options.withConsole { try await $0.updateAdmin(tenant: tenant, admin: id, name: nil, roles: nil, status: status) }
        try options.print(admin) { rows([admin]) }
    }

    static func roles(_ raw: String) throws -> [Role] {
        try raw.split(separator: ",").map { part in
            guard let role = Role(rawValue: part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown role \(part): \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return role
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a tenant's administrators.")
        @OptionGroup var options: OperatorOptions
        @Option(help: "The tenant's id.") var tenant: String

        func run() async throws {
            let tenant = tenant
            let admins = try await options.withConsole { try await $0.listAdmins(tenant: tenant) }
            try options.print(admins) { AdminsCommand.rows(admins) }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an administrator (password from --password-file, else TD_ADMIN_PASSWORD, else a prompt).")
        @OptionGroup var options: OperatorOptions
        @Option(help: "The tenant's id.") var tenant: String
        @Option(help: "Name.") var name: String
        @Option(help: "Login email.") var email: String
        @Option(help: "Comma-separated roles, e.g. tenant_admin or service_admin,read_only.") var roles: String
        @Option(help: "File whose first line is the password.") var passwordFile: String?

        func run() async throws {
            let admin = NewAdmin(
                name: name, email: email, password: try PasswordSource.read(file: passwordFile, variable: "TD_ADMIN_PASSWORD"),
                roles: try AdminsCommand.roles(roles))
            let tenant = tenant
            let created = try await options.withConsole { try await $0.createAdmin(tenant: tenant, admin) }
            try options.print(created) { AdminsCommand.rows([created]) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename or re-role an administrator.")
        @OptionGroup var options: OperatorOptions
        @Option(help: "The tenant's id.") var tenant: String
        @Argument(help: "The administrator's id.") var id: String
        @Option(help: "New name.") var name: String?
        @Option(help: "New comma-separated roles (replacing the old ones).") var roles: String?

        func run() async throws {
            let roles = try self.roles.map(AdminsCommand.roles)
            let (tenant, id, name) = (tenant, id, name)
            let admin = try await options.withConsole { try await $0.updateAdmin(tenant: tenant, admin: id, name: name, roles: roles, status: nil) }
            try options.print(admin) { AdminsCommand.rows([admin]) }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an administrator: their tokens and keys stop working at once.")
        @OptionGroup var options: OperatorOptions
        @Option(help: "The tenant's id.") var tenant: String
        @Argument(help: "The administrator's id.") var id: String

        func run() async throws { try await AdminsCommand.set(id, in: tenant, status: "disabled", options) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-enable a disabled administrator.")
        @OptionGroup var options: OperatorOptions
        @Option(help: "The tenant's id.") var tenant: String
        @Argument(help: "The administrator's id.") var id: String

        func run() async throws { try await AdminsCommand.set(id, in: tenant, status: "active", options) }
    }
}
