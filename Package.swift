// swift-tools-version:6.1
import PackageDescription

/// Settings every Tarif target shares: Swift 6 language mode, explicit `any`,
/// and internal imports unless a target re-exports on purpose.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The parsers, readers and hashing optimised in debug builds too: the tests load every
/// real publication (600 MB of US HTS revisions among them), which unoptimised code reads
/// ten times slower. Debugging these two targets step by step: remove it locally.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Tarif",
    products: [
        .library(name: "TarifCore", targets: ["TarifCore"]),
        .library(name: "TarifImport", targets: ["TarifImport"]),
        .library(name: "TarifRegistry", targets: ["TarifRegistry"]),
        .library(name: "TarifRules", targets: ["TarifRules"]),
        .library(name: "TarifOrigin", targets: ["TarifOrigin"]),
        .library(name: "TarifSimulation", targets: ["TarifSimulation"]),
        .library(name: "TarifKit", targets: ["TarifKit"]),
        .library(name: "TarifPostgres", targets: ["TarifPostgres"]),
        .library(name: "TarifServer", targets: ["TarifServer"]),
        .executable(name: "tarif", targets: ["tarif"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // zlib from the system (Debian: zlib1g-dev), for gzip-compressed publications.
        .systemLibrary(name: "TarifZlib", providers: [.apt(["zlib1g-dev"])]),
        // Values only, no I/O: codes, dates, exact decimals, units, duty expressions.
        .target(name: "TarifCore", swiftSettings: strictSettings + optimizedInDebug),
        // Readers for official publications (HS, country codes, BTKI, UK Global Tariff, US HTS,
        // Japan's schedule, WITS/TRAINS downloads, which are zip archives: ZIPFoundation).
        .target(
            name: "TarifImport", dependencies: ["TarifCore", "TarifZlib", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strictSettings + optimizedInDebug),
        // The embedded SQLite store.
        .target(
            name: "TarifStore",
            dependencies: ["TarifCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings),
        // The same tables in PostgreSQL, for deployments that share one database (postgres-nio).
        .target(
            name: "TarifPostgres",
            dependencies: [
                "TarifCore", "TarifStore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),
        // The cooperation registry: WTO membership, institutions, agreements, programs (no I/O).
        .target(name: "TarifRegistry", dependencies: ["TarifCore"], swiftSettings: strictSettings),
        // Applying the law: treatments, legal basis, duty payable.
        .target(name: "TarifRules", dependencies: ["TarifCore", "TarifRegistry"], swiftSettings: strictSettings),
        // Rules of origin: the rule language, value content, bill-of-materials evaluation, 19 CFR 102 (no I/O).
        .target(name: "TarifOrigin", dependencies: ["TarifCore", "TarifRegistry"], swiftSettings: strictSettings + optimizedInDebug),
        // Impact simulation: SMART partial equilibrium (no storage, no I/O).
        .target(name: "TarifSimulation", dependencies: ["TarifCore"], swiftSettings: strictSettings),
        // The library API: composes import, store and rules (used by the CLI and, later, the server).
        .target(
            name: "TarifKit",
            dependencies: ["TarifCore", "TarifImport", "TarifStore", "TarifRules", "TarifRegistry", "TarifOrigin", "TarifSimulation"],
            resources: [.copy("Catalog"), .copy("Registry"), .copy("Origin")],
            swiftSettings: strictSettings),
        .executableTarget(
            name: "tarif",
            dependencies: ["TarifKit", "TarifOrigin", "TarifSimulation", "TarifServer", "TarifPostgres", .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: strictSettings),
        // The HTTP service: the JSON API over TarifKit (Hummingbird 2).
        .target(
            name: "TarifServer",
            dependencies: [
                "TarifKit", "TarifCore", "TarifRegistry", "TarifRules", "TarifStore", "TarifOrigin",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"), .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
            ],
            resources: [.copy("Web")],
            swiftSettings: strictSettings),
        // Shared test support: where the real data is, temporary files for fixtures.
        .target(name: "TarifTesting", dependencies: ["TarifCore"], path: "Tests/TarifTesting", swiftSettings: strictSettings),
        .testTarget(name: "TarifCoreTests", dependencies: ["TarifCore"], swiftSettings: strictSettings),
        .testTarget(name: "TarifSimulationTests", dependencies: ["TarifSimulation", "TarifTesting"], swiftSettings: strictSettings),
        .testTarget(name: "TarifOriginTests", dependencies: ["TarifOrigin", "TarifRegistry"], swiftSettings: strictSettings),
        .testTarget(name: "TarifRegistryTests", dependencies: ["TarifRegistry", "TarifRules"], swiftSettings: strictSettings),
        .testTarget(
            name: "TarifImportTests", dependencies: ["TarifImport", "TarifTesting", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strictSettings),
        .testTarget(
            name: "TarifStoreTests", dependencies: ["TarifStore", "TarifImport", "TarifTesting"], swiftSettings: strictSettings),
        .testTarget(
            name: "TarifServerTests",
            dependencies: [
                "TarifServer", "TarifKit", "TarifTesting", "TarifPostgres", "TarifStore", "TarifCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        .testTarget(name: "TarifKitTests", dependencies: ["TarifKit", "TarifImport", "TarifRegistry", "TarifOrigin", "TarifSimulation", "TarifTesting"], exclude: ["Peers"], swiftSettings: strictSettings),
    ]
)
