import Foundation
import Testing
@testable import TwofoldProtocol

/// Labels, text forms and the use of deterministic helpers (Protocol/README.md, "Versioning").
@Suite struct DomainLabelTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every label of crypto.md, as the code spells it.
    static let labels: [String] = [
        RecordHeader.associatedDataLabel, Head.signatureLabel, RecordSetDigest.label, SnapshotHeader.associatedDataLabel,
        BackupFile.associatedDataLabel,
        WrappedVaultKey.label, AccountKeyPairs.Labels.recovery.signing, AccountKeyPairs.Labels.recovery.box,
        AccountKeyPairs.Labels.passphrase.signing, AccountKeyPairs.Labels.passphrase.box,
        AccountKeyPairs.Labels.recovery.check, AccountKeyPairs.Labels.passphrase.check,
        "twofold/counter-id/v1", "twofold/roster-id/v1", "twofold/decoy-salt/v1", "twofold/local-box-key/v1",
        LinkKey.keyLabel, LinkKey.offerLabel, LinkKey.replyLabel,
    ]

    @Test func labelsAreDistinctAndPrefixFree() throws {
        #expect(Set(Self.labels).count == Self.labels.count)
        for a in Self.labels {
            #expect(a.hasPrefix("twofold/") && a.hasSuffix("/v1"), "\(a)")
            for b in Self.labels where a != b { #expect(!b.hasPrefix(a), "\(a) is a prefix of \(b)") }
        }
        // And every label of the spec is one the code knows, and the other way round.
        let spec = try String(contentsOf: Self.root.appendingPathComponent("Protocol/crypto.md"), encoding: .utf8)
        let quoted = Set(spec.matches(of: /"(twofold\/[a-z0-9\/-]+)"/).map { String($0.output.1) })
        #expect(quoted == Set(Self.labels), "labels only in the spec: \(quoted.subtracting(Self.labels)); only in code: \(Set(Self.labels).subtracting(quoted))")
    }

    @Test func identifiersAreWrittenLowercase() throws {
        let id = try RecordID(bytes: [0xAB, 0xCD, 0xEF] + [UInt8](repeating: 0xFF, count: 13))
        #expect(id.hex == "abcdef" + String(repeating: "ff", count: 13))
        #expect(RecordVersion(hlc: 0xABC, device: try DeviceID(bytes: id.bytes)).description
                == "0000000000000abc." + id.hex)
    }

    /// The seeded helpers (deterministic random, given nonces and ephemeral keys) are
    /// called only by the vector generator; elsewhere they appear only where they are
    /// defined (the `@_spi(TestVectors)` functions and DeterministicRandom.swift).
    @Test func deterministicHelpersOnlyInTheGenerator() throws {
        let sources = Self.root.appendingPathComponent("Sources")
        let enumerator = FileManager.default.enumerator(atPath: sources.path)
        var offenders: [String] = []
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix(".swift"), !path.hasPrefix("twofold-vectors/") else { continue }
            let text = try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
            let definesSPI = text.contains("@_spi(TestVectors)\n    public static func")
            if text.contains("DeterministicRandom.bytes(") && !path.hasSuffix("DeterministicRandom.swift") {
                offenders.append("\(path) calls DeterministicRandom")
            }
            if text.contains("ephemeralSeed:") && !definesSPI { offenders.append("\(path) passes an ephemeral seed") }
            if text.contains("@_spi(TestVectors) import") && !definesSPI { offenders.append("\(path) imports the TestVectors SPI") }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }
}
