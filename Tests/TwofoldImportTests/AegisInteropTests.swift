import Foundation
import Testing
import TwofoldOTP

@testable import TwofoldImport

/// Decrypts our encrypted Aegis export with an independent implementation: a Python
/// script using the `cryptography` package, following Aegis's docs/vault.md only.
@Suite("Aegis export, decrypted independently")
struct AegisInteropTests {
    static let script = #"""
import base64, json, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

vault = json.load(open(sys.argv[1]))
password = sys.argv[2].encode("utf-8")
assert vault["version"] == 1
master = None
for slot in vault["header"]["slots"]:
    if slot["type"] != 1:
        continue
    assert (slot["n"], slot["r"], slot["p"]) == (32768, 8, 1), "Aegis's scrypt parameters"
    assert len(bytes.fromhex(slot["salt"])) == 32
    key = Scrypt(salt=bytes.fromhex(slot["salt"]), length=32, n=slot["n"], r=slot["r"], p=slot["p"]).derive(password)
    params = slot["key_params"]
    master = AESGCM(key).decrypt(bytes.fromhex(params["nonce"]),
                                 bytes.fromhex(slot["key"]) + bytes.fromhex(params["tag"]), None)
assert master is not None and len(master) == 32
params = vault["header"]["params"]
content = AESGCM(master).decrypt(bytes.fromhex(params["nonce"]),
                                 base64.b64decode(vault["db"]) + bytes.fromhex(params["tag"]), None)
db = json.loads(content)
assert db["version"] == 3
groups = {g["uuid"]: g["name"] for g in db["groups"]}
for e in db["entries"]:
    info = e["info"]
    extra = info.get("counter", info.get("period"))
    tags = ",".join(groups[g] for g in e["groups"])
    print(f'{e["type"]}|{e["issuer"]}|{e["name"]}|{info["secret"]}|{info["algo"]}|{info["digits"]}|{extra}|{tags}')
"""#

    static func pythonWithCryptography() -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import cryptography"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus == 0
        } catch {
            return false
        }
    }

    @Test(
        "Python's cryptography decrypts our encrypted Aegis export",
        .enabled(if: pythonWithCryptography(), "python3 with the cryptography package is not installed"))
    func pythonDecrypts() throws {
        let tokens = ExportRoundTripTests.tokens
        let password = "pässword 1"
        let export = try Exporter.write(tokens, format: .aegis, password: password)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-aegis-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let vault = directory.appendingPathComponent("vault.json")
        let script = directory.appendingPathComponent("decrypt.py")
        try export.data.write(to: vault)
        try Data(Self.script.utf8).write(to: script)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, vault.path, password]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(complaint)")

        let expected = tokens.map { token in
            let extra = token.kind == .hotp ? String(token.counter) : String(token.period)
            return [
                token.kind.rawValue, token.issuer, token.account, Base32.encode(token.secret),
                token.algorithm.rawValue, String(token.digits), extra, token.tags.joined(separator: ","),
            ].joined(separator: "|")
        }
        #expect(printed.split(separator: "\n").map(String.init) == expected)
    }
}
