import Foundation
import Testing
import TwofoldCrypto
import TwofoldProtocol
@testable import TwofoldRelay

/// A device's key pairs, as a real device holds them.
struct TestDevice: Sendable {
    let id = DeviceID.random()
    let sign = Ed25519KeyPair.generate()
    let box = X25519KeyPair.generate()

    var keysJSON: JSONValue {
        .obj(["device_id": .string(id.hex), "sign_key": WireFormat.b64(sign.publicKey), "box_key": WireFormat.b64(box.publicKey)])
    }
}

/// Account key pairs (recovery or passphrase).
struct TestKeys: Sendable {
    let sign = Ed25519KeyPair.generate()
    let box = X25519KeyPair.generate()
    var json: JSONValue { .obj(["sign_key": WireFormat.b64(sign.publicKey), "box_key": WireFormat.b64(box.publicKey)]) }
}

/// A signed-in device of an account.
struct TestAccount: Sendable {
    let id: AccountID
    let device: TestDevice
    let recovery: TestKeys
    var token: String
}

/// Random sealed bytes of the record format: format byte, a padded block of a power of two
/// (`count` − 41 bytes) — what the relay can check without keys [API-31].
func sealed(_ count: Int = 297) -> String { Base64URL.encode([0x01] + SecureRandom.bytes(count - 1)) }

/// Random sealed bytes of a snapshot whose clear header names `id`, `epoch` and `created`,
/// `69 + block` bytes (crypto.md, "Snapshots").
func snapshotBytes(_ id: RecordID, epoch: UInt32 = 1, created: Int64, block: Int = 4096) -> String {
    let header = SnapshotHeader(id: try! SnapshotID(bytes: id.bytes), epoch: epoch, createdMilliseconds: UInt64(created))
    return Base64URL.encode(header.encoded + SecureRandom.bytes(24 + block + 16))
}

/// A random stand-in for a sealed grant.
func grantBytes() -> String { Base64URL.encode(SecureRandom.bytes(101)) }

/// A record version at `hlc` by `device`.
func version(_ hlc: UInt64, _ device: DeviceID) -> String { RecordVersion(hlc: hlc, device: device).description }

extension RelayTestClient {
    /// A fresh `device` challenge.
    func challenge(_ purpose: String = "device") async throws -> String {
        let r = try await post("/v1/auth/challenge", .obj(["purpose": .string(purpose)]))
        #expect(r.status == 200)
        return try #require(r["challenge"]?.string)
    }

    /// Signs the device message for `account` over a fresh challenge.
    func signedChallenge(account: AccountID, device: TestDevice) async throws -> (String, String) {
        let text = try await challenge()
        let c = try AuthChallenge(text: text)
        let sig = device.sign.sign(AuthMessage.device(accountID: account, deviceID: device.id, challenge: c))
        return (text, Base64URL.encode(sig))
    }

    /// The body of `POST /v1/accounts` for a new account.
    func accountRequest(id: AccountID = .random(), device: TestDevice = TestDevice(), recovery: TestKeys = TestKeys(),
                        invite: String? = nil) async throws -> (JSONValue, AccountID, TestDevice, TestKeys) {
        let (challenge, signature) = try await signedChallenge(account: id, device: device)
        var members: [JSONValue.Member] = [
            .init("account_id", .string(id.hex)), .init("device", device.keysJSON), .init("recovery", recovery.json),
            .init("grants", .array([.obj(["recipient": .string(device.id.hex), "sealed": .string(grantBytes())]),
                                    .obj(["recipient": .string("recovery"), "sealed": .string(grantBytes())])])),
            .init("challenge", .string(challenge)), .init("signature", .string(signature)),
        ]
        if let invite { members.append(.init("invite", .string(invite))) }
        return (.object(members), id, device, recovery)
    }

    /// Creates an account with one device and returns it signed in.
    func createAccount(invite: String? = nil) async throws -> TestAccount {
        let (body, id, device, recovery) = try await accountRequest(invite: invite)
        let r = try await post("/v1/accounts", body)
        #expect(r.status == 201, "\(r.text)")
        return TestAccount(id: id, device: device, recovery: recovery, token: try #require(r["access_token"]?.string))
    }

    /// Signs `device` in to `account`.
    func signIn(account: AccountID, device: TestDevice) async throws -> Reply {
        let (challenge, signature) = try await signedChallenge(account: account, device: device)
        return try await post("/v1/auth/token", .obj(["account_id": .string(account.hex), "device_id": .string(device.id.hex),
                                                      "challenge": .string(challenge), "signature": .string(signature)]))
    }

    /// Pushes new or updated records with the next head: a real head, signed by the
    /// account's device, over the store's set with `writes` applied, as a device builds it
    /// from its mirror (sync.md, "Pushing"), so the relay's head checks pass [SYN-26].
    @discardableResult
    func push(_ account: TestAccount, writes: [JSONValue], counter: Int64, expected: Int64?) async throws -> Reply {
        let head = try await validHead(account, writes: writes, counter: counter)
        return try await post("/v1/records", .obj(["writes": .array(writes),
                                                   "head": .obj(["counter": .int(counter), "head": .string(Base64URL.encode(head)),
                                                                 "expected_counter": expected.map { .int($0) } ?? .null])]),
                              token: account.token)
    }

    /// The signed head a device with a faithful mirror would push after `writes`.
    func validHead(_ account: TestAccount, writes: [JSONValue], counter: Int64, epoch: UInt32? = nil) async throws -> [UInt8] {
        var set: [RecordID: RecordHeader] = [:]
        var after: Int64 = 0
        var accountEpoch: Int64 = 1
        while true {
            let page = try await store.pull(account: account.id, after: after, limit: 1000)
            accountEpoch = page.epoch
            for r in page.records {
                set[r.recordID] = try HeadAdmission.header(account: account.id, id: r.recordID, kind: r.kind, version: r.version,
                                                           epoch: r.epoch, deleted: r.deleted)
            }
            after = page.records.last?.seq ?? after
            if !page.more { break }
        }
        for w in writes {
            guard let id = w["record_id"]?.string.flatMap({ WireFormat.id($0, as: RecordID.self) }), let kind = w["kind"]?.int,
                  let v = w["version"]?.string, let e = w["epoch"]?.int, case .bool(let deleted)? = w["deleted"] else { continue }
            if let h = try? HeadAdmission.header(account: account.id, id: id, kind: kind, version: v, epoch: e, deleted: deleted) {
                set[id] = h
            }
        }
        let head = Head(account: account.id, counter: UInt64(max(counter, 0)), epoch: epoch ?? UInt32(accountEpoch),
                        records: Array(set.values), signer: account.device.id)
        return head.signed(with: account.device.sign).bytes
    }

    /// Links a new device into `account` through a mailbox and returns it with its token.
    func link(into account: TestAccount, epoch: Int64 = 1) async throws -> (TestDevice, String) {
        let device = TestDevice()
        let rid = Hex.encode(SecureRandom.bytes(10))
        let open = try await post("/v1/link", .obj(["rendezvous_id": .string(rid), "device": device.keysJSON,
                                                    "tag": .string(Base64URL.encode(SecureRandom.bytes(32)))]))
        #expect(open.status == 201, "\(open.text)")
        let reply = try await post("/v1/link/\(rid)/reply", .obj(["epoch": .int(epoch), "grant": .string(grantBytes()),
                                                                 "tag": .string(Base64URL.encode(SecureRandom.bytes(32)))]),
                                   token: account.token)
        #expect(reply.status == 204, "\(reply.text)")
        let signIn = try await signIn(account: account.id, device: device)
        #expect(signIn.status == 200, "\(signIn.text)")
        return (device, try #require(signIn["access_token"]?.string))
    }
}

/// One record write.
func write(_ id: RecordID, version v: String, expected: String?, epoch: Int64 = 1, kind: Int64 = 1,
           sealed s: String = sealed()) -> JSONValue {
    .obj(["record_id": .string(id.hex), "kind": .int(kind), "version": .string(v), "epoch": .int(epoch), "deleted": .bool(false),
          "sealed": .string(s), "expected_version": expected.map { .string($0) } ?? .null])
}
