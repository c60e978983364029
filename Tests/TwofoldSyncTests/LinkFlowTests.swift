import Foundation
import Testing
import TwofoldCrypto
import TwofoldProtocol
import TwofoldVault
@testable import TwofoldSync

/// The new device's side of linking where it needs no relay: resuming from the request
/// file, and refusing a reply before anything is opened or created (Protocol/devices.md,
/// "Linking", steps 9–10). The rest runs against a real relay in SyncEndToEndTests.
@Suite("Linking flows")
struct LinkFlowTests {
    /// A client for a port nothing listens on: these paths must not need the network.
    static func offlineClient() throws -> RelayClient {
        try RelayClient(RelayClientConfiguration(endpoint: try RelayEndpoint("http://127.0.0.1:9")))
    }

    static func home() -> VaultHome {
        VaultHome(path: FileManager.default.temporaryDirectory.appendingPathComponent("twofold-link-flow-\(UUID().uuidString)").path)
    }

    /// A collected request whose reply carries a real grant to the new device and a tag made with its code.
    static func collected(relay: String, account: AccountID = .random(), vaultKey: SecureBytes = .random(count: 32)) throws -> LinkRequest {
        var request = LinkRequest.generate(relayURL: relay, deviceName: "phone")
        request.collectToken = SecureRandom.bytes(32)
        request.expiresMilliseconds = UInt64(Date().timeIntervalSince1970 * 1000) + 600_000
        let from = DeviceID.random()
        let sign = Ed25519KeyPair.generate().publicKey, box = X25519KeyPair.generate().publicKey
        let grant = try Grant.seal(vaultKey: vaultKey, account: account, epoch: 1, to: request.box.publicKey)
        let tag = request.code.linkKey.replyTag(rendezvousID: request.code.rendezvousID, account: account, epoch: 1,
                                                fromDevice: from, fromSignKey: sign, fromBoxKey: box, grant: grant)
        request.reply = LinkReplyContent(account: account, epoch: 1, grant: grant, tag: tag, fromDevice: from,
                                         fromSignKey: sign, fromBoxKey: box)
        return request
    }

    @Test func aCollectedReplyIsResumedWithoutAskingTheRelay() async throws {
        let home = Self.home()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        let client = try Self.offlineClient()
        defer { Task { await client.shutdown() } }
        let request = try Self.collected(relay: client.relay)
        try LinkRequestFile.save(request, home: home)
        let (resumed, start) = try await LinkNewDevice.prepare(home: home, client: client, deviceName: "phone")
        #expect(start == .resumedCollected)
        #expect(resumed.code.text == request.code.text && resumed.reply == request.reply)
        let waited = try await LinkNewDevice.waitForReply(home: home, client: client, request: resumed)
        #expect(waited.reply == request.reply)
    }

    /// [DEV-8]: any change to the reply fails its tag; the new device discards it, opens
    /// nothing, creates no vault and forgets the request.
    @Test(arguments: ["grant", "account", "epoch", "from-device", "from-sign-key", "from-box-key", "tag"])
    func aReplyThatFailsItsTagIsDiscarded(_ field: String) async throws {
        let home = Self.home()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        let client = try Self.offlineClient()
        defer { Task { await client.shutdown() } }
        var request = try Self.collected(relay: client.relay)
        var reply = try #require(request.reply)
        switch field {
        case "grant": reply.grant[10] ^= 1
        case "account": reply.account = .random()
        case "epoch": reply.epoch = 2
        case "from-device": reply.fromDevice = .random()
        case "from-sign-key": reply.fromSignKey = Ed25519KeyPair.generate().publicKey
        case "from-box-key": reply.fromBoxKey = X25519KeyPair.generate().publicKey
        default: reply.tag[0] ^= 1
        }
        request.reply = reply
        try LinkRequestFile.save(request, home: home)
        await #expect {
            _ = try await LinkNewDevice.finish(home: home, client: client, request: request, passphrase: nil)
        } throws: { error in
            (error as? SyncError)?.description.contains("reply tag mismatch") == true
        }
        #expect(!home.hasVault)
        #expect(!FileManager.default.fileExists(atPath: home.keyFilePath))
        #expect(try LinkRequestFile.load(home: home) == nil)
    }

    /// A reply whose tag checks but whose grant does not open for this device (or names
    /// another epoch) is refused before a vault exists.
    @Test func aGrantThatDoesNotOpenIsRefused() async throws {
        let home = Self.home()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        let client = try Self.offlineClient()
        defer { Task { await client.shutdown() } }
        var request = try Self.collected(relay: client.relay)
        var reply = try #require(request.reply)
        reply.grant = try Grant.seal(vaultKey: .random(count: 32), account: reply.account, epoch: 1,
                                     to: X25519KeyPair.generate().publicKey)  // sealed to someone else
        reply.tag = request.code.linkKey.replyTag(rendezvousID: request.code.rendezvousID, account: reply.account, epoch: 1,
                                                  fromDevice: reply.fromDevice, fromSignKey: reply.fromSignKey,
                                                  fromBoxKey: reply.fromBoxKey, grant: reply.grant)
        request.reply = reply
        try LinkRequestFile.save(request, home: home)
        await #expect {
            _ = try await LinkNewDevice.finish(home: home, client: client, request: request, passphrase: nil)
        } throws: { error in
            (error as? SyncError)?.description.contains("does not open for this device") == true
        }
        #expect(!home.hasVault)
        #expect(try LinkRequestFile.load(home: home) == nil)
    }

    @Test func aHomeWithAVaultIsNotLinked() async throws {
        let home = Self.home()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        _ = try Vault.create(home: home, passphrase: nil)
        let client = try Self.offlineClient()
        defer { Task { await client.shutdown() } }
        await #expect(throws: VaultError.alreadyInitialized(home: home.path)) {
            _ = try await LinkNewDevice.prepare(home: home, client: client, deviceName: "phone")
        }
        #expect(try LinkRequestFile.load(home: home) == nil)
    }
}
