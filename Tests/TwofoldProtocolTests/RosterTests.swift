import Testing
import TwofoldCrypto
@testable import TwofoldProtocol

@Suite struct RosterTests {
    func device(_ name: String, added: UInt64 = 1) -> Roster.Device {
        Roster.Device(id: .random(), signingKey: Ed25519KeyPair.generate().publicKey, boxKey: X25519KeyPair.generate().publicKey,
                      addedMilliseconds: added, name: name)
    }

    let recovery = RecoveryKey.generate().keyPairs.publicKeys

    @Test func encodeDecodeRoundTripSortsDevices() throws {
        let roster = try Roster(recovery: recovery, passphrase: nil, devices: [device("b"), device("a"), device("c")])
        #expect(roster.devices.map(\.id) == roster.devices.map(\.id).sorted())
        #expect(try Roster(decoding: roster.encoded()) == roster)
    }

    /// `0x01 || recovery pks || flags || [passphrase pks] || count (u16) || devices`.
    @Test func layout() throws {
        let d = device("laptop", added: 0x0102)
        let passphrase = AccountPublicKeys(signingKey: [UInt8](repeating: 7, count: 32), boxKey: [UInt8](repeating: 8, count: 32))
        let roster = try Roster(recovery: recovery, passphrase: passphrase, devices: [d])
        var expected: [UInt8] = [1] + recovery.signingKey + recovery.boxKey + [1] + passphrase.signingKey + passphrase.boxKey + [0, 1]
        expected += d.id.bytes + d.signingKey + d.boxKey + [0, 0, 0, 0, 0, 0, 1, 2] + [6] + Array("laptop".utf8)
        #expect(roster.encoded() == expected)
    }

    @Test func invalidRostersAreRefused() {
        let d = device("a")
        #expect(throws: ProtocolError.self) { try Roster(recovery: recovery, passphrase: nil, devices: []) }
        #expect(throws: ProtocolError.self) { try Roster(recovery: recovery, passphrase: nil, devices: [d, d]) }
        #expect(throws: ProtocolError.self) { try Roster(recovery: recovery, passphrase: nil, devices: [device("")]) }
        #expect(throws: ProtocolError.self) { try Roster(recovery: recovery, passphrase: nil, devices: [device("tab\there")]) }
        #expect(throws: ProtocolError.self) { try Roster(recovery: recovery, passphrase: nil, devices: [device(String(repeating: "é", count: 33))]) }
    }

    @Test func addingAndRemoving() throws {
        let a = device("a"), b = device("b")
        let roster = try Roster(recovery: recovery, passphrase: nil, devices: [a])
        let two = try roster.adding(b)
        #expect(two.device(b.id) == b && two.signingKeys[a.id] == a.signingKey)
        #expect(try two.removing(b.id) == roster)
        #expect(throws: ProtocolError.self) { try roster.removing(a.id) }
    }

    @Test func recordIDAndSealing() throws {
        let account = AccountID.random()
        #expect(Roster.recordID(account: account).bytes == BLAKE2b.hash(Array("twofold/roster-id/v1".utf8) + account.bytes, outputLength: 16))
        let roster = try Roster(recovery: recovery, passphrase: nil, devices: [device("a")])
        let key = SecureBytes.random(count: 32)
        let record = try roster.seal(account: account, version: RecordVersion(hlc: 1, device: .random()), epoch: 1, key: key)
        #expect(try Roster.open(record, key: key) == roster)
    }
}
