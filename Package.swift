// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "TenantDesk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tenantdesk-gateway", targets: ["GatewayMain"]),
        .executable(name: "tenantdesk-roles", targets: ["RolesMain"]),
        .executable(name: "tenantdesk-worker", targets: ["WorkerMain"]),
        .executable(name: "tenantdesk-admin", targets: ["AdminCLI"]),
        .executable(name: "tenantdesk-bench-amqp", targets: ["AMQPBench"]),
        .executable(name: "tenantdesk-bench-authz", targets: ["AuthzBench"]),
        .executable(name: "tenantdesk-bench-http", targets: ["HTTPBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.0.0"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // MARK: rabbitmq-c and the AMQP client
        .systemLibrary(
            name: "CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        .target(
            name: "AMQP",
            dependencies: [
                "CRabbitMQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: shared libraries
        .target(name: "Contracts", dependencies: ["Domain"], swiftSettings: swiftSettings),
        .target(name: "Domain", swiftSettings: swiftSettings),
        .target(
            name: "Messaging",
            dependencies: [
                "AMQP", "Contracts", "Domain", "Store",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Store",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Tokens",
            dependencies: [
                "Domain", "Contracts",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Settings",
            dependencies: [
                "AMQP", "Domain", "Store",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: services (libraries; the executables only wire them)
        .target(
            name: "RoleService",
            dependencies: [
                "AMQP", "Messaging", "Contracts", "Domain", "Store", "Settings", "Tokens",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WorkerService",
            dependencies: [
                "AMQP", "Messaging", "Contracts", "Domain", "Store", "Settings",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GatewayApp",
            dependencies: [
                "AMQP", "Messaging", "Contracts", "Domain", "Settings", "Store", "Tokens",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),

        // MARK: executables
        .executableTarget(name: "GatewayMain", dependencies: ["GatewayApp"], swiftSettings: swiftSettings),
        .executableTarget(name: "RolesMain", dependencies: ["RoleService"], swiftSettings: swiftSettings),
        .executableTarget(name: "WorkerMain", dependencies: ["WorkerService"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "AdminCLI",
            dependencies: [
                "AMQP", "Store", "RoleService", "WorkerService", "Settings", "Messaging", "Contracts", "Domain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "AMQPBench",
            dependencies: ["AMQP", .product(name: "Logging", package: "swift-log")],
            path: "bench/AMQPBench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "AuthzBench",
            dependencies: [
                "AMQP", "Contracts", "Domain", "GatewayApp", "Messaging", "RoleService", "Store",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "bench/AuthzBench",
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "HTTPBench",
            dependencies: [
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "bench/HTTPBench",
            swiftSettings: swiftSettings
        ),

        // MARK: tests
        .testTarget(name: "DomainTests", dependencies: ["Domain", "Contracts"], swiftSettings: swiftSettings),
        .testTarget(name: "AMQPTests", dependencies: ["AMQP"], swiftSettings: swiftSettings),
        .testTarget(name: "StoreTests", dependencies: ["Store"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SliceTests",
            dependencies: [
                "GatewayApp", "RoleService", "WorkerService", "Store", "Settings", "Tokens", "Messaging", "AMQP",
                "Contracts", "Domain",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DeploymentTests",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
    ]
)
