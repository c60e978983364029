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
        .library(name: "TwofoldRelay", targets: ["TwofoldRelay"]),
        .library(name: "TwofoldSync", targets: ["TwofoldSync"]),
        .executable(name: "twofold-relay", targets: ["twofold-relay"]),
        .executable(name: "twofoldd", targets: ["twofoldd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // System libraries (Debian packages, found with pkg-config).
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // QR codes (TwofoldQR): zbar reads them, libqrencode draws them, libpng and libjpeg-turbo
        // (its TurboJPEG API, which returns errors instead of longjmp) decode the images. They
        // are opened with dlopen on first use (CQRLibraries), not linked: zbar alone brings 13
        // more libraries, which every `twofold` call would load. The headers come from the
        // -dev packages. CPNG and CTurboJPEG link the real libraries for TwofoldQRTests, which
        // encodes its test images with them.
        .target(name: "CQRLibraries"),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        // KeePass KDBX 4 (TwofoldImport): Argon2d/Argon2id with any parallelism, and gzip.
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

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
                "TwofoldOTP", "TwofoldCrypto", "CSodium", "CArgon2", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),

        // QR codes in images (add --qr) and in the terminal (export --qr).
        .target(name: "TwofoldQR", dependencies: ["CQRLibraries"]),

        // The relay server as a library: buildApplication(_:), routes, store, limits (Protocol/relay-api.md).
        .target(
            name: "TwofoldRelay",
            dependencies: [
                "TwofoldProtocol", "TwofoldCrypto",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // The relay client, merge and the sync engine (Protocol/sync.md, Protocol/devices.md).
        .target(
            name: "TwofoldSync",
            dependencies: [
                "TwofoldProtocol", "TwofoldVault", "TwofoldCrypto",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),

        // The daemon's services: sync loop, push stream, control socket, key keeper, snapshots
        // (Protocol/daemon.md). CDaemonSupport wraps prctl(2), which Swift cannot call (variadic).
        .systemLibrary(name: "CDaemonSupport", path: "Sources/CDaemonSupport"),
        // sd_notify(3) spoken directly (READY, WATCHDOG, STATUS), for twofoldd and twofold-relay.
        .target(name: "SystemdNotify"),
        .target(
            name: "TwofoldDaemon",
            dependencies: [
                "TwofoldSync", "TwofoldVault", "TwofoldProtocol", "TwofoldCrypto", "CDaemonSupport", "SystemdNotify",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Thin executables: argument parsing and wiring only.
        .executableTarget(
            name: "twofoldd",
            dependencies: [
                "TwofoldDaemon", "TwofoldSync", "TwofoldVault",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/twofoldd"
        ),
        .executableTarget(
            name: "twofold-relay",
            dependencies: [
                "TwofoldRelay", "SystemdNotify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/twofold-relay"
        ),
        // The relay's load tool (scripts/bench-relay, scripts/schemathesis): accounts, tokens, idle streams.
        // A blocking loopback HTTP/1.1 client for the load tool and the relay's end-to-end tests.
        .target(name: "LoopbackHTTP"),
        .executableTarget(
            name: "twofold-relay-load",
            dependencies: ["TwofoldProtocol", "TwofoldCrypto", "LoopbackHTTP"],
            path: "Sources/twofold-relay-load"
        ),
        .executableTarget(
            name: "twofold",
            dependencies: [
                "TwofoldVault", "TwofoldImport", "TwofoldOTP", "TwofoldProtocol", "TwofoldCrypto", "TwofoldSync", "TwofoldQR", "TwofoldDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // --static-swift-stdlib links with -export-dynamic, which puts all ~48,000 symbols in
            // the dynamic table: 4.5 MB more resident memory per `twofold` call and a slower
            // dladdr at start-up, for nothing a CLI uses (README, "Performance").
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"])]
        ),
        .executableTarget(
            name: "twofold-vectors",
            dependencies: ["TwofoldProtocol", "TwofoldCrypto", "TwofoldOTP"],
            path: "Sources/twofold-vectors"
        ),

        // libFuzzer target for every importer and the Key URI parser (scripts/fuzz builds it with
        // --sanitize=fuzzer -DFUZZING; a plain build makes a tool that replays files through it).
        // What the fuzz executables share: TWOFOLD_FUZZ_TARGET selection and file replay.
        .target(name: "FuzzHarness", path: "Sources/FuzzHarness"),
        .executableTarget(
            name: "twofold-fuzz-import",
            dependencies: ["TwofoldImport", "TwofoldOTP", "FuzzHarness"],
            path: "Sources/twofold-fuzz-import"
        ),
        // libFuzzer targets for the OTP and protocol parsers, and for the relay's request decoding;
        // TWOFOLD_FUZZ_TARGET picks the parser (scripts/fuzz builds each executable once).
        .executableTarget(
            name: "twofold-fuzz-protocol",
            dependencies: ["TwofoldProtocol", "TwofoldCrypto", "TwofoldOTP", "FuzzHarness"],
            path: "Sources/twofold-fuzz-protocol"
        ),
        .executableTarget(
            name: "twofold-fuzz-relay",
            dependencies: ["TwofoldRelay", "FuzzHarness"],
            path: "Sources/twofold-fuzz-relay"
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
        .testTarget(name: "TwofoldQRTests", dependencies: ["TwofoldQR", "CQRLibraries", "CPNG", "CTurboJPEG"]),
        .testTarget(name: "TwofoldCLITests", dependencies: ["twofold"]),
        .testTarget(name: "TwofoldSyncTests", dependencies: ["TwofoldSync", "TwofoldVault", "TwofoldProtocol", "TwofoldCrypto", "TwofoldOTP"]),
        // Real twofold-relay and twofold processes on loopback, temporary homes.
        .testTarget(name: "SyncEndToEndTests", dependencies: ["twofold", "twofold-relay", "TwofoldProtocol", "TwofoldVault", "TwofoldCrypto", "TwofoldQR"]),
        .testTarget(
            name: "TwofoldRelayTests",
            dependencies: [
                "TwofoldRelay", "TwofoldProtocol", "TwofoldCrypto",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "TwofoldDaemonTests",
            dependencies: ["TwofoldDaemon", "SystemdNotify", "TwofoldSync", "TwofoldVault", "TwofoldProtocol", "TwofoldCrypto", "TwofoldOTP"]
        ),
        // Real twofold-relay, twofoldd and twofold processes on loopback, temporary homes.
        .testTarget(name: "DaemonEndToEndTests", dependencies: ["twofold", "twofoldd", "twofold-relay", "TwofoldProtocol"]),
        .testTarget(
            name: "RelayEndToEndTests",
            dependencies: ["twofold-relay", "TwofoldProtocol", "TwofoldCrypto", "LoopbackHTTP"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
