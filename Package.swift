// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "runbook",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "runbook", targets: ["runbook"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // libyaml from the system (Debian libyaml-dev, pkg-config yaml-0.1).
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "YAML", dependencies: ["CYAML"]),
        // zlib from the system (Debian zlib1g-dev): the agents' gzip uploads.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Gzip", dependencies: ["CZlib"]),
        .target(
            name: "Automation",
            dependencies: [
                "YAML",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "AutomationStore",
            dependencies: ["Automation", "KQL", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // KQL (Kusto) queries compiled to the store's SQL; its own linear-time regex engine.
        .target(
            name: "KQL",
            dependencies: ["Automation", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The store on PostgreSQL (several nodes over one database): the store protocols on postgres-nio.
        .target(
            name: "PostgresStore",
            dependencies: [
                "Automation",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // statfs for file-system types (network and pseudo file systems are skipped).
        .target(name: "CFileSystem"),
        .target(
            name: "ChangeTracking",
            dependencies: [
                "Automation", "CFileSystem",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "RunbookEngine",
            dependencies: [
                "Automation", "ChangeTracking", "KQL",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Scheduler",
            dependencies: [
                "Automation", "RunbookEngine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The application layer: use cases shared by the command line and the HTTP API.
        .target(
            name: "AutomationService",
            dependencies: [
                "Automation", "AutomationStore", "ChangeTracking", "KQL", "PostgresStore", "RunbookEngine", "Scheduler",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The portal under /portal: server-rendered pages (Mustache templates compiled into the binary).
        .target(
            name: "AutomationPortal",
            dependencies: [
                "Automation", "AutomationService", "ChangeTracking", "KQL",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `runbook serve`: Azure's ARM API over the application layer, on Hummingbird 2.
        .target(
            name: "AutomationServer",
            dependencies: [
                "Automation", "AutomationService", "AutomationPortal", "Gzip", "KQL",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // `runbook agent`: enrols, collects its own machine, spools and uploads to `runbook serve`.
        .target(
            name: "MachineAgent",
            dependencies: [
                "Automation", "ChangeTracking", "Gzip", "RunbookEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `runbook gateway`: the Log Analytics gateway, a CONNECT-only forward proxy on POSIX sockets.
        .target(name: "LogGateway"),
        .executableTarget(
            name: "runbook",
            dependencies: [
                "Automation", "AutomationServer", "AutomationService", "ChangeTracking", "KQL", "MachineAgent",
                "RunbookEngine",
                "Scheduler",
                "LogGateway",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Benchmarks: measured side by side, never asserted in tests (docs/PERFORMANCE.md).
        .executableTarget(
            name: "runbook-bench",
            dependencies: [
                "YAML", "Automation", "AutomationService", "AutomationStore", "CYAML", "ChangeTracking", "KQL",
                "PostgresStore", "RunbookEngine", "Scheduler",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/runbook-bench"
        ),
        // The mutation fuzzer (Fuzz/README.md); scripts/fuzz.sh runs it, .ci/run a bounded run.
        .executableTarget(
            name: "runbook-fuzz",
            dependencies: [
                "Automation", "AutomationServer", "AutomationService", "AutomationStore", "ChangeTracking", "KQL",
                "RunbookEngine",
            ],
            path: "Fuzz/runbook-fuzz"
        ),
        // Test doubles shared by test targets (a clock that moves only when a test says so).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"]),
        .testTarget(
            name: "AutomationTests",
            dependencies: ["Automation"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "AutomationStoreTests",
            dependencies: ["Automation", "AutomationStore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // One store-level suite run against both stores (SQLite always; PostgreSQL when
        // RUNBOOK_TEST_POSTGRES_URL names a server, as .ci/run sets it).
        .testTarget(
            name: "StoreContractTests",
            dependencies: [
                "Automation", "AutomationService", "AutomationStore", "ChangeTracking", "KQL", "PostgresStore",
                "TestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "KQLTests",
            dependencies: ["KQL", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "AutomationServiceTests",
            dependencies: ["Automation", "AutomationService", "AutomationStore", "RunbookEngine"]
        ),
        .testTarget(
            name: "ChangeTrackingTests",
            dependencies: [
                "Automation", "AutomationService", "AutomationStore", "ChangeTracking", "RunbookEngine",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SchedulerTests",
            dependencies: [
                "Automation", "AutomationService", "AutomationStore", "RunbookEngine", "Scheduler", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "RunbookEngineTests",
            dependencies: [
                "Automation", "AutomationService", "AutomationStore", "ChangeTracking", "KQL", "RunbookEngine",
                "TestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "GzipTests", dependencies: ["Gzip"]),
        .testTarget(name: "GatewayTests", dependencies: ["LogGateway"]),
        .testTarget(name: "MachineAgentTests", dependencies: ["MachineAgent", "Automation"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "runbook", "Automation", "AutomationServer", "AutomationService", "ChangeTracking",
                "PostgresStore", "Scheduler", "TestSupport", .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
