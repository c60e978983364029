import Foundation
import Testing
import TwofoldCrypto
import TwofoldProtocol

/// The files under Protocol/vectors/ and the helpers every family's checks share
/// (Protocol/vectors/README.md).
enum VectorCorpus {
    /// `Protocol/vectors/`, found from this source file so `swift test` works from any directory.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocol/vectors")

    /// Every vector file of every family, sorted by path (README.md is not a vector).
    static func all() -> [VectorFile] {
        let manager = FileManager.default
        let families = ((try? manager.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
        var files: [VectorFile] = []
        for family in families {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: root.appendingPathComponent(family).path, isDirectory: &isDirectory),
                  isDirectory.boolValue else { continue }
            let names = ((try? manager.contentsOfDirectory(atPath: root.appendingPathComponent(family).path)) ?? []).sorted()
            for name in names {
                let path = "\(family)/\(name)"
                let text = (try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)) ?? ""
                do {
                    files.append(try VectorFile(path: path, parsing: text))
                } catch {
                    // Keep it, so the test that parses every file reports it by name.
                    files.append(VectorFile(path: path, fields: [.init("expect", "unparseable: \(error)")], data: text))
                }
            }
        }
        return files
    }

    /// The files this target checks against the implementation.
    static func checkedHere() -> [VectorFile] { all().filter { VectorCheckers.byFamily[$0.family] != nil } }

    /// Every `expect:` value a vector may carry (README.md, "Outcomes").
    static let outcomes: Set<String> = [
        "success", "parse failure", "unsupported version", "authentication failure", "payload failure",
        "binding failure", "signature failure", "roster failure", "freshness failure", "digest failure",
        "word failure", "checksum failure",
        // auth/ (Protocol/relay-api.md)
        "wrong purpose", "expired", "replay failure",
    ]
}

/// A vector file that lacks a header it needs.
struct VectorFileError: Error, CustomStringConvertible {
    var description: String
}

extension VectorFile {
    func string(_ key: String) throws -> String {
        guard let value = self[key] else { throw VectorFileError(description: "\(path): no '\(key):' header") }
        return value
    }

    func hex(_ key: String) throws -> [UInt8] {
        guard let bytes = Hex.decode(try string(key)) else { throw VectorFileError(description: "\(path): '\(key)' is not hex") }
        return bytes
    }

    func number<T: FixedWidthInteger>(_ key: String, radix: Int = 10) throws -> T {
        guard let value = T(try string(key), radix: radix) else { throw VectorFileError(description: "\(path): '\(key)' is not a number") }
        return value
    }

    func secret(_ key: String) throws -> SecureBytes { SecureBytes(try hex(key)) }

    /// The record metadata of `records/`-style headers.
    func recordHeader() throws -> RecordHeader {
        RecordHeader(
            account: try AccountID(hex: try string("account-id")), id: try RecordID(hex: try string("record-id")),
            kind: RecordKind(rawValue: try number("kind"))!,
            version: RecordVersion(hlc: try number("hlc", radix: 16), device: try DeviceID(hex: try string("device-id"))),
            epoch: try number("epoch"), deleted: try string("deleted") == "1")
    }

    /// A `record-id kind hlc device-id epoch deleted` line.
    static func recordHeader(line: String, account: AccountID) throws -> RecordHeader {
        let p = line.split(separator: " ").map(String.init)
        guard p.count == 6, let rawKind = UInt8(p[1]), let kind = RecordKind(rawValue: rawKind),
              let hlc = UInt64(p[2], radix: 16), let epoch = UInt32(p[4]), p[5] == "0" || p[5] == "1"
        else { throw VectorFileError(description: "bad record line '\(line)'") }
        return RecordHeader(account: account, id: try RecordID(hex: p[0]), kind: kind,
                            version: RecordVersion(hlc: hlc, device: try DeviceID(hex: p[3])), epoch: epoch, deleted: p[5] == "1")
    }

    /// The data's lines, without blank ones.
    var dataLines: [String] { data.split(separator: "\n").map(String.init) }
}

/// The `expect:` name of the layer a ``ProtocolError`` comes from (README.md, "Outcomes").
enum Layer {
    /// `what`s of errors raised before any key is used: the outer framing.
    static let parseWhats: Set<String> = [
        "sealed record", "grant", "head", "snapshot", "wrapped vault key", "local key file", "passphrase cost", "backup", "backup header",
    ]

    static func of(_ error: any Error) -> String {
        guard let error = error as? ProtocolError else { return "unexpected error: \(error)" }
        switch error {
        case .unsupportedVersion: return "unsupported version"
        case .malformed(let what, _): return parseWhats.contains(what) ? "parse failure" : "payload failure"
        case .invalidIdentifier: return "parse failure"
        case .authenticationFailed: return "authentication failure"
        case .bindingMismatch: return "binding failure"
        case .invalidSignature: return "signature failure"
        case .unknownSigner: return "roster failure"
        case .staleHead, .forkedHead, .rolledBackRecord: return "freshness failure"
        case .headMismatch: return "digest failure"
        case .unknownRecoveryWord, .wrongRecoveryWordCount: return "word failure"
        case .recoveryChecksumMismatch: return "checksum failure"
        default: return "unexpected error: \(error)"
        }
    }
}
