// swift-tools-version: 6.1
// Twofold: two-factor tokens kept safe across devices. See ../shared/DESIGN.md and Protocol/.
import PackageDescription

let package = Package(
    name: "Twofold",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "twofold", targets: ["twofold"]),
        .library(name: "TwofoldOTP", targets: ["TwofoldOTP"]),
        .library(name: "TwofoldCrypto", targets: ["TwofoldCrypto"]),
        .library(name: "TwofoldProtocol", targets: ["TwofoldProtocol"]),
        .library(name: "TwofoldVault", targets: ["TwofoldVault"]),
        .library(name: "TwofoldImport", targets: ["TwofoldImport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // System libraries (Debian packages, found with pkg-config).
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),

        // Bottom layer: pure OTP engine and thin libsodium wrappers.
        .target(
            name: "TwofoldOTP",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "TwofoldCrypto", dependencies: ["CSodium"]),

        // Formats that cross the wire or sit on disk (Protocol/).
        .target(name: "TwofoldProtocol", dependencies: ["TwofoldCrypto", "TwofoldOTP"]),

        // The local encrypted store.
        .target(
            name: "TwofoldVault",
            dependencies: [
                "TwofoldProtocol", "TwofoldCrypto", "TwofoldOTP",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),

        // Other authenticator apps' formats.
        .target(
            name: "TwofoldImport",
            dependencies: [
                "TwofoldOTP", "TwofoldCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),

        // Thin executables: argument parsing and wiring only.
        .executableTarget(
            name: "twofold",
            dependencies: [
                "TwofoldVault", "TwofoldImport", "TwofoldOTP", "TwofoldProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "twofold-vectors",
            dependencies: ["TwofoldProtocol", "TwofoldCrypto", "TwofoldOTP"],
            path: "Sources/twofold-vectors"
        ),

        .executableTarget(
            name: "twofold-bench",
            dependencies: ["TwofoldVault", "TwofoldOTP", "TwofoldCrypto"],
            path: "Sources/twofold-bench"
        ),

        // Tests: one target per module, end-to-end CLI tests in their own target.
        .testTarget(name: "TwofoldOTPTests", dependencies: ["TwofoldOTP"]),
        .testTarget(name: "TwofoldCryptoTests", dependencies: ["TwofoldCrypto"]),
        .testTarget(name: "TwofoldProtocolTests", dependencies: ["TwofoldProtocol", "TwofoldCrypto", "TwofoldOTP"]),
        .testTarget(name: "TwofoldVaultTests", dependencies: ["TwofoldVault", "TwofoldProtocol", "TwofoldOTP"]),
        .testTarget(name: "TwofoldImportTests", dependencies: ["TwofoldImport", "TwofoldOTP"]),
        .testTarget(name: "TwofoldCLITests", dependencies: ["twofold"]),
    ],
    swiftLanguageModes: [.v6]
)
