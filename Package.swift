// swift-tools-version:6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "wirewatch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wirewatchd", targets: ["wirewatchd"]),
        .executable(name: "wirewatch", targets: ["wirewatch"]),
        .executable(name: "wirewatch-bench", targets: ["wirewatch-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        // C libraries from Debian, each behind a module map and one shim header.
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
        .systemLibrary(name: "CLinux"),

        // Pure domain logic: no threads, sockets or inotify.
        .target(
            name: "WirewatchCore",
            dependencies: ["CLibXML2", "CStemmer", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // SQLite persistence.
        .target(
            name: "WirewatchStore",
            dependencies: ["WirewatchCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        // The Varlink wire protocol and the interface's types, shared by daemon and CLI.
        .target(name: "WirewatchControl", exclude: ["io.wirewatch.varlink"], swiftSettings: strictSettings),
        // Digests: built from the store, rendered as Markdown, JSON and HTML.
        .target(name: "WirewatchDigest", dependencies: ["WirewatchCore", "WirewatchStore"], swiftSettings: strictSettings),
        // Watcher, ingestion pipeline, configuration, services.
        .target(
            name: "WirewatchDaemon",
            dependencies: [
                "WirewatchCore", "WirewatchStore", "WirewatchControl", "WirewatchDigest", "CLinux", "CSystemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "wirewatchd",
            dependencies: [
                "WirewatchDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "wirewatch",
            dependencies: [
                "WirewatchDaemon", "WirewatchStore", "WirewatchControl", "WirewatchCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "wirewatch-bench",
            dependencies: [
                "WirewatchDaemon", "WirewatchCore", "WirewatchStore", "WirewatchDigest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        .testTarget(
            name: "WirewatchCoreTests", dependencies: ["WirewatchCore"], exclude: ["FuzzCorpus", "Fixtures"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "WirewatchStoreTests", dependencies: ["WirewatchStore", "WirewatchCore"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "WirewatchDaemonTests",
            dependencies: ["WirewatchDaemon", "WirewatchCore", "WirewatchStore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "WirewatchControlTests", dependencies: ["WirewatchControl"], swiftSettings: strictSettings),
        .testTarget(
            name: "WirewatchDigestTests",
            dependencies: ["WirewatchDigest", "WirewatchStore", "WirewatchCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["WirewatchStore", "WirewatchCore", "WirewatchControl", "wirewatchd", "wirewatch"],
            swiftSettings: strictSettings
        ),
    ]
)
