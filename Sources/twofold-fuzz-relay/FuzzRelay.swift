// Fuzz targets for the relay's request decoding (Sources/TwofoldRelay/Wire), without a
// server: the strict JSON parser and the request schemas built on it, as the routes use them
// (Protocol/relay-api.md, "Conventions"). `TWOFOLD_FUZZ_TARGET` picks the decoder (unset:
// every decoder on every input, for replaying files). Built like twofold-fuzz-protocol:
// libFuzzer under scripts/fuzz (-DFUZZING), a replay tool in a plain build:
//   `TWOFOLD_FUZZ_TARGET=relay-records swift run twofold-fuzz-relay CRASH-FILE`.
// The decoders are internal to TwofoldRelay: `@testable import` works in debug builds
// (SwiftPM enables testability there), which is all scripts/fuzz makes.
//
// Property beyond "no crash": a body the JSON parser accepts, written back by the relay's
// own writer (JSONValue.bytes, used for every response), parses again to the same value.
import Foundation
import FuzzHarness
import TwofoldProtocol
@testable import TwofoldRelay

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

/// The body as the relay reads it: JSON, then a reader over the allowed members.
func body(_ bytes: [UInt8], allowed: Set<String>) -> JSONObjectReader? {
    guard let value = try? JSONParser.parse(bytes) else { return nil }
    return try? JSONObjectReader(value, allowed: allowed)
}

/// Any JSON: what parses writes back to text that parses to the same value.
func fuzzJSON(_ bytes: [UInt8]) {
    guard let value = try? JSONParser.parse(bytes) else { return }
    let written = value.bytes
    guard let again = try? JSONParser.parse(written) else {
        violated("JSONValue wrote text JSONParser refuses: \(String(decoding: written.prefix(200), as: UTF8.self))", bytes)
    }
    guard again == value else { violated("JSON parse(write(v)) != v", bytes) }
}

/// `POST /v1/records` (`PushRequest`), as RelayRoutes+Records reads it.
func fuzzRecordsPush(_ bytes: [UInt8]) {
    guard let body = body(bytes, allowed: ["writes", "head"]) else { return }
    guard let value = try? body.value("writes"), case .array(let items) = value, items.count <= 500 else { return }
    var writes: [RecordWrite] = []
    for (i, item) in items.enumerated() {
        guard let write = try? RequestParsing.recordWrite(item, path: body.itemPath("writes", i)) else { return }
        writes.append(write)
    }
    guard (try? RequestParsing.requireDistinct(writes.map(\.recordID), what: "the batch")) != nil else { return }
    _ = try? RequestParsing.head(try body.object("head", allowed: RequestParsing.headFields))
}

/// `POST /v1/rotations` (`RotationRequest`).
func fuzzRotation(_ bytes: [UInt8]) {
    guard let body = body(bytes, allowed: ["from_epoch", "to_epoch", "revoke", "records", "grants", "recovery", "passphrase", "head"])
    else { return }
    _ = try? RelayRoutes.rotation(body, maxRecords: 1000)
}

/// `POST /v1/accounts` (`CreateAccountRequest`), and the other request objects that carry
/// device keys and grants: `POST /v1/grants`, the link offer's device.
func fuzzAccountCreation(_ bytes: [UInt8]) {
    guard let value = try? JSONParser.parse(bytes) else { return }
    if let body = try? JSONObjectReader(
        value, allowed: ["account_id", "invite", "device", "recovery", "passphrase", "grants", "challenge", "signature"]) {
        _ = try? RelayRoutes.newAccount(body)
        if let invite = try? body.string("invite") { _ = InviteToken.isWellFormed(invite) }
        _ = try? body.bytes("signature", lengths: 64...64)
    }
    if let body = try? JSONObjectReader(value, allowed: ["grants"]), let items = try? body.array("grants", count: 1...1000) {
        for (i, item) in items.enumerated() {
            _ = try? RequestParsing.grant(item, path: body.itemPath("grants", i), devicesOnly: true)
        }
    }
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
