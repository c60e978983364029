// Fuzz target for every parser of untrusted import input (DESIGN.md, "How it is checked").
//
// Built two ways, from this one file:
// - `scripts/fuzz`: `swift build --sanitize=fuzzer -Xswiftc -DFUZZING --scratch-path .build-fuzz
//   --product twofold-fuzz-import`. libFuzzer supplies `main` and calls `fuzz` below.
// - a plain `swift build`: `FUZZING` is not defined, so `Replay` below is the entry point and
//   the product replays files (a crash's reproducer, the seed corpus) through `fuzz`.
// A `main.swift` cannot be used: under -sanitize=fuzzer its `main` clashes with libFuzzer's.
import Foundation
import FuzzHarness
import TwofoldImport
import TwofoldOTP

/// One input through every reader: detection, the detected format with and without a
/// password, each format forced, and the otpauth:// Key URI parser. Every outcome but a
/// crash, a hang or a leak is fine: errors are the expected answer to most inputs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(bytes: data, count: size)
    _ = ImportFormat.detect(bytes)
    _ = try? Importer.read(bytes)
    _ = try? Importer.read(bytes, password: "test")
    for format in ImportFormat.allCases {
        _ = try? Importer.read(bytes, format: format)
    }
    _ = try? KeyURI.parse(String(decoding: bytes, as: UTF8.self))
    // KDBX: the stages behind the HMAC, and gzip (the KDF costs are tiny under -DFUZZING).
    _KDBXFuzzing.payload(bytes)
    _KDBXFuzzing.inflate(bytes)
    return 0
}

#if !FUZZING
/// `twofold-fuzz-import FILE|DIR…`: runs each file (each file in each directory) through
/// ``fuzz(_:_:)`` once, as libFuzzer would, and says how many it ran.
@main
enum Replay {
    static func main() {
        FuzzHarness.replay(tool: "twofold-fuzz-import", arguments: Array(CommandLine.arguments.dropFirst()), fuzz: fuzz)
    }
}
#endif
