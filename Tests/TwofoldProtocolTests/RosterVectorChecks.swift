import Testing
import TwofoldCrypto
import TwofoldProtocol

/// `roster/`: decode the payload, compare every field, re-encode (Protocol/crypto.md, "Roster").
enum RosterVectorChecks {
    @Sendable static func check(_ file: VectorFile) throws -> String {
        let account = try AccountID(hex: try file.string("account-id"))
        #expect(Roster.recordID(account: account).hex == (try file.string("record-id")), "\(file.path): roster record id")
        let payload = try file.dataBytes()
        let roster: Roster
        do {
            roster = try Roster(decoding: payload)
        } catch {
            return Layer.of(error)
        }
        #expect(roster.encoded() == payload, "\(file.path): re-encoding")
        #expect(keys(roster.recovery) == (try file.string("recovery-keys")), "\(file.path): recovery keys")
        #expect(roster.passphrase.map(keys) == file["passphrase-keys"], "\(file.path): passphrase keys")
        #expect(roster.recoveryCheck.map(Hex.encode) == file["recovery-check"], "\(file.path): recovery check")
        #expect(roster.passphraseCheck.map(Hex.encode) == file["passphrase-check"], "\(file.path): passphrase check")
        let lines = roster.devices.map {
            "\($0.id.hex) \(Hex.encode($0.signingKey)) \(Hex.encode($0.boxKey)) \($0.addedMilliseconds) \($0.name)"
        }
        #expect(lines == file.values("device"), "\(file.path): devices")
        return "success"
    }

    static func keys(_ k: AccountPublicKeys) -> String { "\(Hex.encode(k.signingKey)) \(Hex.encode(k.boxKey))" }
}
