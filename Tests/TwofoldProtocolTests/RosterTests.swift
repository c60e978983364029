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

    /// [CRY-20]: flags bit 1, then the recovery check and (with passphrase keys) the
    /// passphrase check; derived from the secrets with their own labels; all or none.
    @Test func checkValuesRoundTripAndComeAllOrNone() throws {
        let key = RecoveryKey.generate()
        let pairs = key.keyPairs
        #expect(pairs.check == BLAKE2b.deriveSecret(Array("twofold/recovery/check/v1".utf8), key: key.secret).copyBytes())
        let passphrase = try PassphraseParameters(salt: [UInt8](repeating: 1, count: 16), cost: .moderate)
        let master = try passphrase.masterKey(passphrase: "correct horse battery staple")
        let passphrasePairs = AccountKeyPairs(master: master, labels: .passphrase)
        #expect(passphrasePairs.check == BLAKE2b.deriveSecret(Array("twofold/passphrase/check/v1".utf8), key: master).copyBytes())
        #expect(passphrasePairs.check != pairs.check)

        let d = device("laptop")
        let roster = try Roster(recovery: pairs.publicKeys, passphrase: passphrasePairs.publicKeys, devices: [d],
                                recoveryCheck: pairs.check, passphraseCheck: passphrasePairs.check)
        let bytes = roster.encoded()
        #expect(bytes[65] == 3)  // both flags
        #expect(Array(bytes[130..<162]) == pairs.check && Array(bytes[162..<194]) == passphrasePairs.check)
        #expect(try Roster(decoding: bytes) == roster)
        // Kept through adding and removing devices.
        let two = try roster.adding(device("phone"))
        #expect(two.recoveryCheck == pairs.check && two.passphraseCheck == passphrasePairs.check)

        // All or none, 32 bytes each.
        #expect(throws: ProtocolError.self) {
            try Roster(recovery: pairs.publicKeys, passphrase: passphrasePairs.publicKeys, devices: [d], recoveryCheck: pairs.check)
        }
        #expect(throws: ProtocolError.self) {
            try Roster(recovery: pairs.publicKeys, passphrase: nil, devices: [d], passphraseCheck: passphrasePairs.check)
        }
        #expect(throws: ProtocolError.self) {
            try Roster(recovery: pairs.publicKeys, passphrase: nil, devices: [d], recoveryCheck: [1, 2, 3])
        }
        // A flag that says the checks follow, with the bytes cut off, or an unknown flag.
        var truncated = try Roster(recovery: pairs.publicKeys, passphrase: nil, devices: [d], recoveryCheck: pairs.check).encoded()
        truncated.removeSubrange(66..<98)
        #expect(throws: ProtocolError.self) { try Roster(decoding: truncated) }
        var unknown = try Roster(recovery: pairs.publicKeys, passphrase: nil, devices: [d]).encoded()
        unknown[65] = 4
        #expect(throws: ProtocolError.self) { try Roster(decoding: unknown) }
    }
}
