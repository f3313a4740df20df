import Foundation
import Testing
import Yams

/// The TenantDesk programs and the environment variables each one reads: the
/// deployment contract that docker-compose.yml must honour.
private let requiredEnvironment: [String: [String]] = [
    "tenantdesk-gateway": [
        "TD_AMQP_URL", "TD_AMQP_HEARTBEAT", "TD_HTTP_HOST", "TD_HTTP_PORT",
        "TD_MAX_BODY_BYTES", "TD_RPC_TIMEOUT_MS", "TD_LOG_LEVEL",
    ],
    "tenantdesk-roles": [
        "TD_AMQP_URL", "TD_AMQP_HEARTBEAT", "TD_DATABASE_URL", "TD_ACCESS_TOKEN_TTL_SECONDS",
        "TD_BCRYPT_COST", "TD_RPC_CONCURRENCY", "TD_LOG_LEVEL",
    ],
    "tenantdesk-worker": [
        "TD_AMQP_URL", "TD_AMQP_HEARTBEAT", "TD_DATABASE_URL", "TD_RPC_CONCURRENCY", "TD_LOG_LEVEL",
    ],
    "tenantdesk-admin": ["TD_DATABASE_OWNER_URL"],
]

private let programs = requiredEnvironment.keys.sorted()

/// Programs that keep running (as opposed to the one-shot admin CLI).
private let servicePrograms = ["tenantdesk-gateway", "tenantdesk-roles", "tenantdesk-worker"]

@Suite("Deployment: docker-compose.yml and Dockerfile")
struct ComposeFileTests {
    @Test("docker-compose.yml parses and has services")
    func composeFileParses() throws {
        let compose = try ComposeFile.load()
        #expect(!compose.services.isEmpty)
    }

    @Test("a compose service runs the program", arguments: programs)
    func serviceRunsProgram(_ program: String) throws {
        let compose = try ComposeFile.load()
        let runners = compose.services(running: program)
        #expect(!runners.isEmpty, "no service in docker-compose.yml runs \(program) in its command or entrypoint")
    }

    @Test("the services running the program define its environment variables", arguments: programs)
    func serviceDefinesEnvironment(_ program: String) throws {
        let compose = try ComposeFile.load()
        let required = try #require(requiredEnvironment[program])
        let runners = compose.services(running: program)
        try #require(!runners.isEmpty, "no service in docker-compose.yml runs \(program)")
        for service in runners {
            let defined = compose.environment(of: service)
            let missing = required.filter { defined[$0] == nil }
            #expect(missing.isEmpty, "service \(service) (\(program)) does not set \(missing.joined(separator: ", "))")
        }
    }

    @Test("the gateway listens on 0.0.0.0:8080 and publishes host port 8080")
    func gatewayPublishesPort8080() throws {
        let compose = try ComposeFile.load()
        let gateways = compose.services(running: "tenantdesk-gateway")
        try #require(!gateways.isEmpty, "no service runs tenantdesk-gateway")
        for gateway in gateways {
            let ports = compose.ports(of: gateway)
            let publishes8080 = ports.contains { $0.published == "8080" && $0.target == "8080" }
            #expect(publishes8080, "service \(gateway) does not publish 8080:8080 (ports: \(ports))")
            let environment = compose.environment(of: gateway)
            #expect(environment["TD_HTTP_PORT"] == "8080")
            #expect(environment["TD_HTTP_HOST"] == "0.0.0.0")
        }
    }

    @Test("README.md documents the gateway port 8080")
    func readmeDocumentsGatewayPort() throws {
        let hasReadme = try RepositoryFiles.exists("README.md")
        try #require(hasReadme, "README.md does not exist yet; it must document the gateway's port 8080")
        let readme = try RepositoryFiles.read("README.md")
        #expect(readme.contains("8080"), "README.md does not mention the gateway's port 8080")
    }

    @Test("the gateway holds no database credentials")
    func gatewayHasNoDatabaseCredentials() throws {
        let compose = try ComposeFile.load()
        let gateways = compose.services(running: "tenantdesk-gateway")
        try #require(!gateways.isEmpty, "no service runs tenantdesk-gateway")
        for gateway in gateways {
            let environment = compose.environment(of: gateway)
            #expect(environment["TD_DATABASE_URL"] == nil, "service \(gateway) sets TD_DATABASE_URL")
            #expect(environment["TD_DATABASE_OWNER_URL"] == nil, "service \(gateway) sets TD_DATABASE_OWNER_URL")
            let postgresURLs = environment.filter { $0.value.hasPrefix("postgres://") || $0.value.hasPrefix("postgresql://") }
            #expect(postgresURLs.isEmpty, "service \(gateway) has PostgreSQL URLs in \(postgresURLs.keys.sorted())")
            let readsEnvFile = compose.services[gateway]?["env_file"] != nil
            #expect(!readsEnvFile, "service \(gateway) reads an env_file, which could hold database credentials")
        }
    }

    @Test("the worker runs at least 2 replicas")
    func workerHasReplicas() throws {
        let compose = try ComposeFile.load()
        let workers = compose.services(running: "tenantdesk-worker")
        try #require(!workers.isEmpty, "no service runs tenantdesk-worker")
        for worker in workers {
            let replicas = compose.replicas(of: worker)
            #expect(replicas >= 2, "service \(worker) runs \(replicas) replica(s)")
        }
    }

    @Test("every long-running service, infrastructure included, has a healthcheck")
    func longRunningServicesHaveHealthchecks() throws {
        let compose = try ComposeFile.load()
        // One-shot services are those others wait on to exit successfully.
        let oneShot = compose.oneShotServices
        let longRunning = compose.services.keys.filter { !oneShot.contains($0) }.sorted()

        for infrastructure in ["postgres", "rabbitmq"] {
            #expect(longRunning.contains(infrastructure), "no long-running service named \(infrastructure)")
        }
        for program in servicePrograms {
            let runners = compose.services(running: program)
            #expect(!runners.isEmpty, "no service runs \(program)")
            for service in runners {
                #expect(longRunning.contains(service), "service \(service) (\(program)) is treated as one-shot")
            }
        }
        for service in longRunning {
            let hasHealthcheck = compose.hasHealthcheck(service)
            #expect(hasHealthcheck, "service \(service) has no healthcheck")
        }
    }

    @Test("the Dockerfile builds every executable product of Package.swift (benchmarks excepted)")
    func dockerfileBuildsEveryExecutable() throws {
        let products = try executableProducts()
        try #require(!products.isEmpty, "found no .executable(name:) products in Package.swift")
        let dockerfile = try RepositoryFiles.read("Dockerfile")
        let built = Set(dockerfile.matches(of: #/--product[ =]+(?<name>[A-Za-z0-9_.\-]+)/#).map { String($0.output.name) })
        let missing = products.filter { !built.contains($0) }
        #expect(missing.isEmpty, "the Dockerfile never runs `swift build --product` for \(missing.joined(separator: ", "))")
    }

    @Test("a compose service runs every executable product of Package.swift (benchmarks excepted)")
    func composeRunsEveryExecutable() throws {
        let products = try executableProducts()
        try #require(!products.isEmpty, "found no .executable(name:) products in Package.swift")
        let compose = try ComposeFile.load()
        let unrun = products.filter { compose.services(running: $0).isEmpty }
        #expect(unrun.isEmpty, "no service in docker-compose.yml runs \(unrun.joined(separator: ", "))")
    }
}

/// Names of the `.executable(name: "...")` products in Package.swift, except benchmarks.
private func executableProducts() throws -> [String] {
    let manifest = try RepositoryFiles.read("Package.swift")
    return manifest.matches(of: #/\.executable\(\s*name:\s*"(?<name>[^"]+)"/#)
        .map { String($0.output.name) }
        .filter { !$0.lowercased().contains("bench") }
}

/// docker-compose.yml as loaded by Yams, with just the look-ups the tests need.
private struct ComposeFile {
    let services: [String: [String: Any]]

    static func load() throws -> ComposeFile {
        let yaml = try RepositoryFiles.read("docker-compose.yml")
        let document = try Yams.load(yaml: yaml)
        let root = try #require(Self.mapping(document), "docker-compose.yml is not a YAML mapping")
        let services = try #require(Self.mapping(root["services"]), "docker-compose.yml has no `services` mapping")
        var result: [String: [String: Any]] = [:]
        for (name, body) in services {
            let service = try #require(Self.mapping(body), "service \(name) is not a mapping")
            result[name] = service
        }
        return ComposeFile(services: result)
    }

    /// The programs a service runs: each word of its `entrypoint` and `command`
    /// (either form, including `sh -c "a && b"`), without any directory part.
    func programs(of service: String) -> Set<String> {
        let body = services[service] ?? [:]
        var words: Set<String> = []
        for key in ["entrypoint", "command"] {
            let parts: [String]
            if let list = body[key] as? [Any] {
                parts = list.compactMap { Self.scalar($0) }
            } else {
                parts = Self.scalar(body[key]).map { [$0] } ?? []
            }
            for part in parts {
                for word in part.split(whereSeparator: { " \t\n;&|()'\"`".contains($0) }) {
                    words.insert(String(word.split(separator: "/").last ?? word))
                }
            }
        }
        return words
    }

    /// Names of the services that run `program`, sorted.
    func services(running program: String) -> [String] {
        services.keys.filter { programs(of: $0).contains(program) }.sorted()
    }

    /// A service's `environment`, from either the mapping or the `KEY=VALUE` list form.
    /// A variable set without a value maps to "".
    func environment(of service: String) -> [String: String] {
        let value = services[service]?["environment"]
        if let list = value as? [Any] {
            var result: [String: String] = [:]
            for entry in list.compactMap({ Self.scalar($0) }) {
                let pair = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                result[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
            }
            return result
        }
        return (Self.mapping(value) ?? [:]).mapValues { Self.scalar($0) ?? "" }
    }

    /// A service's `ports` as (host port, container port), from the short
    /// ("[ip:]host:container[/proto]") or the long (`published`/`target`) syntax.
    func ports(of service: String) -> [(published: String?, target: String)] {
        let entries = services[service]?["ports"] as? [Any] ?? []
        return entries.compactMap { entry -> (published: String?, target: String)? in
            if let long = Self.mapping(entry) {
                guard let target = Self.scalar(long["target"]) else { return nil }
                return (Self.scalar(long["published"]), target)
            }
            guard let short = Self.scalar(entry) else { return nil }
            let address = short.split(separator: "/").first.map { String($0) } ?? short
            let fields = address.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard let target = fields.last else { return nil }
            return (fields.count >= 2 ? fields[fields.count - 2] : nil, target)
        }
    }

    /// `deploy.replicas`, 1 when unset.
    func replicas(of service: String) -> Int {
        let deploy = Self.mapping(services[service]?["deploy"]) ?? [:]
        return Self.scalar(deploy["replicas"]).flatMap { Int($0) } ?? 1
    }

    /// Whether a service has a healthcheck that is neither disabled nor `NONE`.
    func hasHealthcheck(_ service: String) -> Bool {
        guard let healthcheck = Self.mapping(services[service]?["healthcheck"]) else { return false }
        if (healthcheck["disable"] as? Bool) == true { return false }
        let test = (healthcheck["test"] as? [Any])?.compactMap { Self.scalar($0) }
            ?? Self.scalar(healthcheck["test"]).map { [$0] }
            ?? []
        return !test.isEmpty && test.first != "NONE"
    }

    /// Services that some other service waits on with `service_completed_successfully`.
    var oneShotServices: Set<String> {
        var result: Set<String> = []
        for body in services.values {
            for (dependency, condition) in Self.mapping(body["depends_on"]) ?? [:] {
                if Self.scalar(Self.mapping(condition)?["condition"]) == "service_completed_successfully" {
                    result.insert(dependency)
                }
            }
        }
        return result
    }

    /// A YAML mapping with its keys as strings.
    private static func mapping(_ value: Any?) -> [String: Any]? {
        guard let dictionary = value as? [AnyHashable: Any] else { return nil }
        var result: [String: Any] = [:]
        for (key, entry) in dictionary {
            result[(key.base as? String) ?? "\(key.base)"] = entry
        }
        return result
    }

    /// A YAML scalar (string, number or boolean) as text; nil for anything else.
    private static func scalar(_ value: Any?) -> String? {
        switch value {
        case let string as String: string
        case let int as Int: String(int)
        case let double as Double: String(double)
        case let bool as Bool: String(bool)
        default: nil
        }
    }
}
