// Fuzz targets for the relay's request decoding (Sources/TwofoldRelay/Wire), without a
// server: the strict JSON parser and the request schemas built on it, as the routes use them
// (Protocol/relay-api.md, "Conventions"). `TWOFOLD_FUZZ_TARGET` picks the decoder (unset:
// every decoder on every input, for replaying files). Built like twofold-fuzz-protocol:
// libFuzzer under scripts/fuzz (-DFUZZING), a replay tool in a plain build:
//   `TWOFOLD_FUZZ_TARGET=relay-records swift run twofold-fuzz-relay CRASH-FILE`.
// The decoders are TwofoldRelay's public `RequestDecoding`, the same code the routes run, so
// this builds in release as well as debug (no `@testable import`).
//
// Property beyond "no crash": a body the JSON parser accepts, written back by the relay's
// own writer (JSONValue.bytes, used for every response), parses again to the same value.
import Foundation
import FuzzHarness
import TwofoldRelay

let fuzzTargets: [FuzzHarness.Target] = [
    ("relay-json", fuzzJSON),
    ("relay-records", fuzzRecordsPush),
    ("relay-rotation", fuzzRotation),
    ("relay-account", fuzzAccountCreation),
]

let selected = FuzzHarness.selected(tool: "twofold-fuzz-relay", from: fuzzTargets)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for run in selected { run(bytes) }
    return 0
}

func violated(_ what: String, _ input: [UInt8]) -> Never {
    fatalError("fuzz property broken: \(what) (input \(input.count) bytes)")
}

/// Any JSON: what parses writes back to text that parses to the same value.
func fuzzJSON(_ bytes: [UInt8]) {
    guard let (written, same) = RequestDecoding.jsonRoundTrip(bytes) else { return }
    guard same else {
        violated("JSON parse(write(v)) != v, written: \(String(decoding: written.prefix(200), as: UTF8.self))", bytes)
    }
}

/// `POST /v1/records` (`PushRequest`), as RelayRoutes+Records reads it.
func fuzzRecordsPush(_ bytes: [UInt8]) { _ = try? RequestDecoding.recordsPush(bytes) }

/// `POST /v1/rotations` (`RotationRequest`).
func fuzzRotation(_ bytes: [UInt8]) { _ = try? RequestDecoding.rotation(bytes) }

/// `POST /v1/accounts` (`CreateAccountRequest`), and the other request objects that carry
/// device keys and grants: `POST /v1/grants`, the link offer's device.
func fuzzAccountCreation(_ bytes: [UInt8]) {
    _ = try? RequestDecoding.accountCreation(bytes)
    _ = try? RequestDecoding.grantList(bytes)
}

#if !FUZZING
/// `[TWOFOLD_FUZZ_TARGET=NAME] twofold-fuzz-relay FILE|DIR…`: runs each file through
/// ``fuzz(_:_:)`` once, as libFuzzer would.
@main
enum Replay {
    static func main() {
        FuzzHarness.replay(tool: "twofold-fuzz-relay", arguments: Array(CommandLine.arguments.dropFirst()), fuzz: fuzz)
    }
}
#endif
