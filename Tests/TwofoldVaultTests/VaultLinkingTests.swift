import Foundation
import Testing
import TwofoldCrypto
import TwofoldProtocol
@testable import TwofoldVault

/// An existing device's pending link (v3-linking) and its roster writes, and a new
/// device's link request file (Protocol/devices.md, "Linking").
@Suite("Vault linking")
struct VaultLinkingTests {
    static func attached(_ tmp: TemporaryHome) throws -> Vault {
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        _ = try vault.attach(relayURL: "https://relay.example.org", deviceName: "laptop")
        try vault.finishAccountCreation()
        return vault
    }

    static func newDevice(_ name: String = "phone") -> Roster.Device {
        Roster.Device(id: .random(), signingKey: Ed25519KeyPair.generate().publicKey, boxKey: X25519KeyPair.generate().publicKey,
                      addedMilliseconds: 1_767_225_600_000, name: name)
    }

    @Test func pendingLinkSurvivesReopeningAndClears() throws {
        let tmp = TemporaryHome()
        let vault = try Self.attached(tmp)
        #expect(try vault.pendingLink() == nil)
        let device = Self.newDevice()
        let key = LinkCode.generate().linkKey
        try vault.savePendingLink(PendingLink(rendezvousID: SecureRandom.bytes(10), linkKey: key.bytes, device: device,
                                              expiresMilliseconds: 1_767_226_200_000))
        let reopened = try Vault.open(home: tmp.home) { "" }
        let pending = try #require(try reopened.pendingLink())
        #expect(pending.device == device)
        #expect(pending.linkKey == key.bytes)
        #expect(pending.expiresMilliseconds == 1_767_226_200_000)
        // Nothing reaches the roster or the outbox until step 7.
        #expect(try reopened.roster()?.device(device.id) == nil)
        try reopened.clearPendingLink()
        #expect(try vault.pendingLink() == nil)
    }

    @Test func theStoreRefusesMalformedPendingLinks() throws {
        let tmp = TemporaryHome()
        let vault = try Self.attached(tmp)
        var device = Self.newDevice()
        device.name = ""
        #expect(throws: (any Error).self) {
            try vault.savePendingLink(PendingLink(rendezvousID: SecureRandom.bytes(10), linkKey: SecureBytes.random(count: 32),
                                                  device: device, expiresMilliseconds: 1))
        }
        #expect(throws: (any Error).self) {
            try vault.savePendingLink(PendingLink(rendezvousID: SecureRandom.bytes(9), linkKey: SecureBytes.random(count: 32),
                                                  device: Self.newDevice(), expiresMilliseconds: 1))
        }
        #expect(try vault.pendingLink() == nil)
    }

    @Test func addingToTheRosterIsIdempotentAndNeverReplacesAMember() throws {
        let tmp = TemporaryHome()
        let vault = try Self.attached(tmp)
        let before = try vault.syncStore.pendingCount()
        let device = Self.newDevice()
        #expect(try vault.addToRoster(device))
        #expect(try vault.roster()?.device(device.id) == device)
        #expect(try vault.roster()?.device(vault.device) != nil)
        #expect(try vault.syncStore.pendingCount() == max(before, 1))  // the roster is in the outbox
        #expect(try !vault.addToRoster(device))  // already there: a resumed link writes nothing
        var impostor = Self.newDevice()
        impostor.id = device.id
        #expect(throws: SyncRefusal.self) { try vault.addToRoster(impostor) }
        var replacingMe = Self.newDevice()
        replacingMe.id = vault.device
        #expect(throws: SyncRefusal.self) { try vault.addToRoster(replacingMe) }
        #expect(throws: SyncRefusal.self) {
            try vault.savePendingLink(PendingLink(rendezvousID: SecureRandom.bytes(10), linkKey: SecureBytes.random(count: 32),
                                                  device: replacingMe, expiresMilliseconds: 1))
        }
        #expect(try vault.roster()?.device(vault.device)?.name == "laptop")
        #expect(try vault.removeFromRoster(device.id))
        #expect(try vault.roster()?.device(device.id) == nil)
        #expect(try !vault.removeFromRoster(device.id))
        #expect(try !vault.removeFromRoster(vault.device))  // never removes itself
    }

    @Test func linkRequestFileRoundTripsWithMode0600() throws {
        let tmp = TemporaryHome()
        var request = LinkRequest.generate(relayURL: "https://relay.example.org", deviceName: "phone")
        try LinkRequestFile.save(request, home: tmp.home)
        let path = LinkRequestFile.path(tmp.home)
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
        #expect(stat(tmp.url.path, &st) == 0 && st.st_mode & 0o777 == 0o700)
        var loaded = try #require(try LinkRequestFile.load(home: tmp.home))
        #expect(loaded.device == request.device && loaded.code.text == request.code.text)
        #expect(loaded.signing.publicKey == request.signing.publicKey && loaded.box.publicKey == request.box.publicKey)
        #expect(loaded.collectToken == nil && loaded.reply == nil)
        request.collectToken = SecureRandom.bytes(32)
        request.expiresMilliseconds = 1_767_226_200_000
        request.reply = LinkReplyContent(account: .random(), epoch: 2, grant: SecureRandom.bytes(101), tag: SecureRandom.bytes(32),
                                         fromDevice: .random(), fromSignKey: SecureRandom.bytes(32), fromBoxKey: SecureRandom.bytes(32))
        try LinkRequestFile.save(request, home: tmp.home)
        loaded = try #require(try LinkRequestFile.load(home: tmp.home))
        #expect(loaded.collectToken == request.collectToken && loaded.expiresMilliseconds == request.expiresMilliseconds)
        #expect(loaded.reply == request.reply)
        // Written by rename: no temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.url.path) == [LinkRequestFile.fileName])
        LinkRequestFile.remove(home: tmp.home)
        #expect(try LinkRequestFile.load(home: tmp.home) == nil)
    }

    @Test func aDamagedOrExposedLinkRequestIsReported() throws {
        let tmp = TemporaryHome()
        try LinkRequestFile.save(LinkRequest.generate(relayURL: "https://relay.example.org", deviceName: "phone"), home: tmp.home)
        let path = LinkRequestFile.path(tmp.home)
        chmod(path, 0o644)
        #expect(throws: VaultError.insecurePermissions(path: path)) { try LinkRequestFile.load(home: tmp.home) }
        chmod(path, 0o600)
        try Data("{\"format\":1}".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        #expect(throws: VaultError.self) { try LinkRequestFile.load(home: tmp.home) }
    }
}
