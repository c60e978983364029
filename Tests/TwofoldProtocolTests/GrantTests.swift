import Testing
import TwofoldCrypto
@testable import TwofoldProtocol

@Suite struct GrantTests {
    let account = AccountID.random()
    let vk = SecureBytes.random(count: 32)
    let device = X25519KeyPair.generate()

    @Test func roundTrip() throws {
        let grant = try Grant.seal(vaultKey: vk, account: account, epoch: 3, to: device.publicKey)
        #expect(grant.count == Grant.length && Grant.length == 101)
        #expect(try Grant.open(grant, account: account, epoch: 3, with: device) == vk)
    }

    /// The plaintext is exactly `0x01 || account_id || epoch (u32 BE) || VK`.
    @Test func plaintextLayout() throws {
        let grant = try Grant.seal(vaultKey: vk, account: account, epoch: 0x01020304, to: device.publicKey)
        let plain = try SealedBox.open(grant, with: device).copyBytes()
        #expect(plain == [0x01] + account.bytes + [1, 2, 3, 4] + vk.copyBytes())
    }

    @Test func openerChecksAccountAndEpoch() throws {
        let grant = try Grant.seal(vaultKey: vk, account: account, epoch: 3, to: device.publicKey)
        #expect(throws: ProtocolError.bindingMismatch(what: "grant", reason: "it is for another account")) {
            try Grant.open(grant, account: .random(), epoch: 3, with: device)
        }
        #expect(throws: ProtocolError.bindingMismatch(what: "grant", reason: "it holds the key of epoch 3, not 4")) {
            try Grant.open(grant, account: account, epoch: 4, with: device)
        }
        #expect(throws: ProtocolError.authenticationFailed(what: "grant")) {
            try Grant.open(grant, account: account, epoch: 3, with: X25519KeyPair.generate())
        }
    }

    @Test func wrongVaultKeyLengthIsRefused() {
        #expect(throws: ProtocolError.self) { try Grant.seal(vaultKey: .random(count: 16), account: account, epoch: 1, to: device.publicKey) }
    }
}

@Suite struct LocalKeyTests {
    let account = AccountID.random()
    let kek = SecureBytes.random(count: 32)
    let vk = SecureBytes.random(count: 32)

    @Test func wrapRoundTripAndBinding() throws {
        let wrapped = try WrappedVaultKey.wrap(vk, account: account, epoch: 2, kek: kek)
        #expect(wrapped.count == 73 && wrapped[0] == 1)
        #expect(try WrappedVaultKey.unwrap(wrapped, account: account, epoch: 2, kek: kek) == vk)
        #expect(throws: ProtocolError.authenticationFailed(what: "wrapped vault key")) {
            try WrappedVaultKey.unwrap(wrapped, account: account, epoch: 1, kek: kek)
        }
        #expect(throws: ProtocolError.authenticationFailed(what: "wrapped vault key")) {
            try WrappedVaultKey.unwrap(wrapped, account: account, epoch: 2, kek: .random(count: 32))
        }
    }

    /// `AD = "twofold/local-vk/v1" || account_id || epoch (u32 BE)`.
    @Test func associatedDataLayout() throws {
        let wrapped = try WrappedVaultKey.wrap(vk, account: account, epoch: 2, kek: kek)
        let ad = Array("twofold/local-vk/v1".utf8) + account.bytes + [0, 0, 0, 2]
        let opened = try XChaCha20Poly1305.open(Array(wrapped[25...]), associatedData: ad, nonce: Array(wrapped[1..<25]), key: kek)
        #expect(opened == vk.copyBytes())
    }

    @Test func keyFileIsCanonical() throws {
        let key = SecureBytes.random(count: 32)
        let text = LocalKey.fileContents(key)
        #expect(text.hasPrefix("twofold-local-key-v1:") && text.hasSuffix("=\n") && text.count == 21 + 44 + 1)
        #expect(try LocalKey.parseFile(text) == key)
        for bad in [text + "\n", " " + text, String(text.dropLast()), text.replacingOccurrences(of: "=", with: "")] {
            #expect(throws: ProtocolError.self) { try LocalKey.parseFile(bad) }
        }
    }
}
