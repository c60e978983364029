import Testing
import TwofoldProtocol
@testable import TwofoldRelay

/// Grants and key rotation (relay-api.md, "Grants", "Rotation") [API-21][API-22].
@Suite struct GrantRotationRouteTests {
    @Test(arguments: Mode.allCases)
    func grantsAreForActiveDevicesAtTheCurrentEpoch(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            let own = try await client.get("/v1/grant", token: account.token)
            #expect(own.status == 200)
            #expect(own["epoch"] == .int(1))
            let (linked, linkedToken) = try await client.link(into: account)
            let g = grantBytes()
            let put = try await client.send(.put, "/v1/grants", json: .obj(["epoch": .int(1), "grants": .array([
                .obj(["recipient": .string(linked.id.hex), "sealed": .string(g)])])]), token: account.token)
            #expect(put.status == 204)
            #expect(try await client.get("/v1/grant", token: linkedToken)["sealed"] == .string(g))
            let stranger = try await client.send(.put, "/v1/grants", json: .obj(["epoch": .int(1), "grants": .array([
                .obj(["recipient": .string(DeviceID.random().hex), "sealed": .string(g)])])]), token: account.token)
            #expect(stranger.code == "malformed_request")
            let recovery = try await client.send(.put, "/v1/grants", json: .obj(["epoch": .int(1), "grants": .array([
                .obj(["recipient": .string("recovery"), "sealed": .string(g)])])]), token: account.token)
            #expect(recovery.code == "malformed_request")
            let wrongEpoch = try await client.send(.put, "/v1/grants", json: .obj(["epoch": .int(2), "grants": .array([
                .obj(["recipient": .string(linked.id.hex), "sealed": .string(g)])])]), token: account.token)
            #expect(wrongEpoch.code == "epoch_mismatch")
        }
    }

    /// A rotation body; its head, signed by `signer`'s device, covers `records` (kind 1, as
    /// ``write(_:version:expected:epoch:kind:sealed:)`` writes them) at the new epoch, as
    /// the relay checks [SYN-26].
    static func rotation(from: Int64, revoke: [DeviceID], records: [(RecordID, String)], grantees: [String], counter: Int64,
                         expected: Int64?, signer: TestAccount) -> JSONValue {
        let epoch = UInt32(from + 1)
        let set = records.compactMap { r in
            (try? RecordVersion(text: r.1)).map {
                RecordHeader(account: signer.id, id: r.0, kind: .token, version: $0, epoch: epoch, deleted: false)
            }
        }
        let head = Head(account: signer.id, counter: UInt64(counter), epoch: epoch, records: set, signer: signer.device.id)
            .signed(with: signer.device.sign).bytes
        return .obj(["from_epoch": .int(from), "to_epoch": .int(from + 1), "revoke": .array(revoke.map { .string($0.hex) }),
              "records": .array(records.map { .obj(["record_id": .string($0.0.hex), "version": .string($0.1), "sealed": .string(sealed())]) }),
              "grants": .array(grantees.map { .obj(["recipient": .string($0), "sealed": .string(grantBytes())]) }),
              "head": .obj(["counter": .int(counter), "head": .string(Base64URL.encode(head)), "expected_counter": expected.map { .int($0) } ?? .null])])
    }

    @Test(arguments: Mode.allCases)
    func rotationRevokesAtOnceAndIsAllOrNothing(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            let (lost, lostToken) = try await client.link(into: account)
            let id = RecordID.random()
            let v = version(1 << 16, account.device.id)
            #expect(try await client.push(account, writes: [write(id, version: v, expected: nil)], counter: 1, expected: nil).status == 200)
            // Refusals change nothing.
            let missingRecord = Self.rotation(from: 1, revoke: [lost.id], records: [], grantees: [account.device.id.hex, "recovery"], counter: 2, expected: 1, signer: account)
            #expect(try await client.post("/v1/rotations", missingRecord, token: account.token).code == "rotation_conflict")
            let wrongGrants = Self.rotation(from: 1, revoke: [lost.id], records: [(id, v)], grantees: [lost.id.hex, "recovery"], counter: 2, expected: 1, signer: account)
            #expect(try await client.post("/v1/rotations", wrongGrants, token: account.token).code == "malformed_request")
            let staleEpoch = Self.rotation(from: 2, revoke: [lost.id], records: [(id, v)], grantees: [account.device.id.hex, "recovery"], counter: 2, expected: 1, signer: account)
            #expect(try await client.post("/v1/rotations", staleEpoch, token: account.token).code == "rotation_conflict")
            let badHead = Self.rotation(from: 1, revoke: [lost.id], records: [(id, v)], grantees: [account.device.id.hex, "recovery"], counter: 5, expected: 1, signer: account)
            #expect(try await client.post("/v1/rotations", badHead, token: account.token).code == "head_conflict")
            #expect(try await client.get("/v1/head", token: lostToken).status == 200)
            #expect(try await client.get("/v1/account", token: account.token)["epoch"] == .int(1))

            let good = Self.rotation(from: 1, revoke: [lost.id], records: [(id, v)], grantees: [account.device.id.hex, "recovery"], counter: 2, expected: 1, signer: account)
            let r = try await client.post("/v1/rotations", good, token: account.token)
            #expect(r.status == 200, "\(r.text)")
            #expect(r["epoch"] == .int(2))
            #expect(r["seq"] == .int(2))
            let revoked = try await client.get("/v1/head", token: lostToken)  // at once [API-12]
            #expect(revoked.status == 401)
            #expect(revoked.code == "device_revoked")
            #expect(try await client.signIn(account: account.id, device: lost).code == "device_revoked")
            let page = try await client.get("/v1/records?after=0", token: account.token)
            #expect(page["epoch"] == .int(2))
            #expect(page["records"]?.array?.first?["epoch"] == .int(2))
            #expect(page["records"]?.array?.first?["version"] == .string(v))
            #expect(try await client.get("/v1/grant", token: account.token)["epoch"] == .int(2))
            let state = try await client.get("/v1/account", token: account.token)
            #expect(state["devices"]?.array?.first { $0["device_id"] == .string(lost.id.hex) }?["status"] == .string("revoked"))
            // Old-epoch writes are refused now.
            let stale = try await client.push(account, writes: [write(id, version: version(3 << 16, account.device.id), expected: v)], counter: 3, expected: 2)
            #expect(stale.code == "epoch_mismatch")
        }
    }
}
