import Testing
import TwofoldCrypto
import TwofoldProtocol
@testable import TwofoldRelay

/// Snapshots (relay-api.md, "Snapshots") and pairing mailboxes (devices.md, "Linking") [DEV-10].
@Suite struct SnapshotLinkRouteTests {
    func upload(_ client: RelayTestClient, _ account: TestAccount, id: RecordID = .random(), created: Int64, block: Int = 4096) async throws -> Reply {
        try await client.post("/v1/snapshots", .obj(["snapshot_id": .string(id.hex), "epoch": .int(1), "created_at_ms": .int(created),
                                                     "sealed": .string(snapshotBytes(id, created: created, block: block))]), token: account.token)
    }

    @Test(arguments: Mode.allCases)
    func snapshotsUploadListFetchDeleteWithQuota(_ mode: Mode) async throws {
        try await RelayHarness { $0.limits.snapshotsPerAccount = 2; $0.limits.snapshotBytesPerAccount = 10_000 }.run(mode) { client in
            let account = try await client.createAccount()
            let first = RecordID.random()
            let up = try await upload(client, account, id: first, created: 100)
            #expect(up.status == 201)
            #expect(up["size"] == .int(4165))
            #expect(up["device_id"] == .string(account.device.id.hex))
            #expect(try await upload(client, account, id: first, created: 100).code == "snapshot_exists")
            #expect(try await upload(client, account, created: 200, block: 8192).code == "quota_exceeded")
            #expect(try await upload(client, account, created: 200).status == 201)
            let full = try await upload(client, account, created: 300)
            #expect(full.status == 507)
            #expect(full.json["error"]?["details"]?["quota"] == .string("snapshots"))
            let list = try await client.get("/v1/snapshots", token: account.token)
            #expect(list["snapshots"]?.array?.map { $0["created_at_ms"]?.int } == [200, 100])
            #expect(list["snapshots"]?.array?.first?["sealed"] == nil)
            let one = try await client.get("/v1/snapshots/\(first.hex)", token: account.token)
            #expect(one["sealed"]?.string != nil)
            #expect(try await client.send(.delete, "/v1/snapshots/\(first.hex)", token: account.token).status == 204)
            #expect(try await client.send(.delete, "/v1/snapshots/\(first.hex)", token: account.token).status == 404)
            #expect(try await client.get("/v1/snapshots/nothex", token: account.token).status == 404)
            #expect(try await upload(client, account, created: 300).status == 201)
        }
    }

    @Test(arguments: Mode.allCases)
    func linkingMailboxIsSingleUseAndExpires(_ mode: Mode) async throws {
        let harness = RelayHarness()
        try await harness.run(mode) { client in
            let account = try await client.createAccount()
            let newDevice = TestDevice()
            let rid = Hex.encode(SecureRandom.bytes(10))
            let tag = Base64URL.encode(SecureRandom.bytes(32))
            let open = try await client.post("/v1/link", .obj(["rendezvous_id": .string(rid), "device": newDevice.keysJSON, "tag": .string(tag)]))
            #expect(open.status == 201)
            let collectToken = try #require(open["collect_token"]?.string)
            #expect(open["expires_at_ms"] == .int(harness.clock.nowMs + 600_000))
            #expect(try await client.post("/v1/link", .obj(["rendezvous_id": .string(rid), "device": TestDevice().keysJSON,
                                                            "tag": .string(tag)])).code == "rendezvous_taken")
            // Nothing to collect yet.
            let early = try await client.post("/v1/link/\(rid)/collect", .obj(["collect_token": .string(collectToken), "wait_ms": .int(0)]))
            #expect(early.status == 204)
            let offer = try await client.get("/v1/link/\(rid)", token: account.token)
            #expect(offer["device"]?["device_id"] == .string(newDevice.id.hex))
            #expect(offer["tag"] == .string(tag))
            let replyBody = JSONValue.obj(["epoch": .int(1), "grant": .string(grantBytes()), "tag": .string(Base64URL.encode(SecureRandom.bytes(32)))])
            #expect(try await client.post("/v1/link/\(rid)/reply", replyBody, token: account.token).status == 204)
            #expect(try await client.post("/v1/link/\(rid)/reply", replyBody, token: account.token).code == "link_used")
            let wrongToken = try await client.post("/v1/link/\(rid)/collect", .obj(["collect_token": .string(Base64URL.encode(SecureRandom.bytes(32))), "wait_ms": .int(0)]))
            #expect(wrongToken.code == "link_not_found")
            let collected = try await client.post("/v1/link/\(rid)/collect", .obj(["collect_token": .string(collectToken), "wait_ms": .int(0)]))
            #expect(collected.status == 200)
            #expect(collected["account_id"] == .string(account.id.hex))
            #expect(collected["from_device"]?["device_id"] == .string(account.device.id.hex))
            // Delivered once; then every route says link_not_found.
            #expect(try await client.post("/v1/link/\(rid)/collect", .obj(["collect_token": .string(collectToken)])).code == "link_not_found")
            #expect(try await client.get("/v1/link/\(rid)", token: account.token).code == "link_not_found")
            // The new device is an active device of the account.
            #expect(try await client.signIn(account: account.id, device: newDevice).status == 200)

            // A mailbox expires after 10 minutes.
            let rid2 = Hex.encode(SecureRandom.bytes(10))
            let open2 = try await client.post("/v1/link", .obj(["rendezvous_id": .string(rid2), "device": TestDevice().keysJSON, "tag": .string(tag)]))
            #expect(open2.status == 201)
            harness.clock.advance(byMs: 600_000)
            #expect(try await client.get("/v1/link/\(rid2)", token: try await client.signIn(account: account.id, device: account.device)["access_token"]!.string!).code == "link_not_found")
        }
    }
}
