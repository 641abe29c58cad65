// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "scm",
    platforms: [.macOS(.v14)],
    products: [.executable(name: "scm", targets: ["scm"])],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // C system libraries. Each module map links the Debian -dev package named in scripts/deps.sh.
        .systemLibrary(name: "CFastCGI", path: "Sources/CFastCGI"),
        .systemLibrary(name: "CCmark", path: "Sources/CCmark"),
        .target(name: "COpenSSL", path: "Sources/COpenSSL", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),

        .target(name: "SCMCore"),
        .target(name: "SCMPKI", dependencies: ["SCMCore", "COpenSSL"]),
        .target(name: "SCMStore", dependencies: ["SCMCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "SCMCloud", dependencies: ["SCMCore", "SCMPKI", "SCMStore"]),
        .target(
            name: "SCMService",
            dependencies: [
                "SCMCore", "SCMPKI", "SCMStore", "SCMCloud",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "SCMWeb",
            dependencies: [
                "SCMService", "SCMCore", "SCMPKI", "SCMStore", "SCMCloud", "CFastCGI", "CCmark",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "scm",
            dependencies: [
                "SCMWeb", "SCMService", "SCMCore", "SCMPKI", "SCMStore", "SCMCloud",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        .testTarget(name: "SCMCoreTests", dependencies: ["SCMCore"]),
        .testTarget(name: "SCMPKITests", dependencies: ["SCMPKI", "SCMCore"]),
        .testTarget(name: "SCMStoreTests", dependencies: ["SCMStore", "SCMCore"]),
        .testTarget(name: "SCMServiceTests", dependencies: ["SCMService", "SCMCloud", "SCMStore", "SCMPKI", "SCMCore", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "SCMWebTests",
            dependencies: [
                "SCMWeb", "SCMService", "SCMStore", "SCMCore", "SCMPKI",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
