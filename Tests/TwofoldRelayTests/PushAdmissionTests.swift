import Testing
import TwofoldCrypto
import TwofoldProtocol
@testable import TwofoldRelay

/// What the relay refuses without keys, so that no device can publish data every other
/// device refuses (sync.md, "Pushing", step 3 [SYN-26]; relay-api.md, "What the relay
/// checks without keys" [API-31]). Each refusal leaves the account as it was.
@Suite struct PushAdmissionTests {
    /// Pushes `writes` with `head` as given (not the helper's valid head).
    func push(_ client: RelayTestClient, _ account: TestAccount, writes: [JSONValue], head: [UInt8], counter: Int64,
              expected: Int64?) async throws -> Reply {
        try await client.post("/v1/records", .obj(["writes": .array(writes),
                                                   "head": .obj(["counter": .int(counter), "head": .string(Base64URL.encode(head)),
                                                                 "expected_counter": expected.map { .int($0) } ?? .null])]),
                              token: account.token)
    }

    /// `head` with `change` applied, signed again by `key`.
    func altered(_ bytes: [UInt8], key: Ed25519KeyPair, _ change: (inout Head) -> Void) throws -> [UInt8] {
        var head = try SignedHead(decoding: bytes).head
        change(&head)
        return head.signed(with: key).bytes
    }

    @Test(arguments: Mode.allCases)
    func headsOtherDevicesWouldRefuseAreRefused(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            let first = write(.random(), version: version(1 << 16, account.device.id), expected: nil)
            #expect(try await client.push(account, writes: [first], counter: 1, expected: nil).status == 200)
            let record = write(.random(), version: version(2 << 16, account.device.id), expected: nil)
            let good = try await client.validHead(account, writes: [record], counter: 2)
            // The same count, another digest: the record at a version the batch does not carry.
            let otherVersion = write(.random(), version: version(3 << 16, account.device.id), expected: nil)
            let otherSet = try SignedHead(decoding: try await client.validHead(account, writes: [otherVersion], counter: 2)).head.set
            let stranger = TestDevice()
            var garbage = SecureRandom.bytes(145)
            garbage[0] = 0x02
            let cases: [(String, [UInt8], Int64)] = [
                ("145 bytes of garbage", garbage, 2),
                ("a short head", Array(good.prefix(100)), 2),
                ("another account", try altered(good, key: account.device.sign) { $0.account = .random() }, 2),
                ("another signer", try altered(good, key: stranger.sign) { $0.signer = stranger.id }, 2),
                ("a bad signature", try altered(good, key: stranger.sign) { _ in }, 2),
                ("a wrong epoch", try await client.validHead(account, writes: [record], counter: 2, epoch: 2), 2),
                ("a counter other than the request's", try altered(good, key: account.device.sign) { $0.counter = 7 }, 2),
                ("a wrong count", try await client.validHead(account, writes: [], counter: 2), 2),
                ("a wrong digest", try altered(good, key: account.device.sign) { $0.set = otherSet }, 2),
            ]
            for (what, head, counter) in cases {
                let r = try await push(client, account, writes: [record], head: head, counter: counter, expected: 1)
                #expect(r.status == 422, "\(what): \(r.text)")
                #expect(r.code == "head_invalid", "\(what): \(r.text)")
            }
            let page = try await client.get("/v1/records?after=0", token: account.token)
            #expect(page["latest_seq"] == .int(1), "nothing of a refused push is stored")
            #expect(page["head"]?["counter"] == .int(1))
            #expect(try await push(client, account, writes: [record], head: good, counter: 2, expected: 1).status == 200)
        }
    }

    @Test(arguments: Mode.allCases)
    func recordsEveryDeviceWouldRefuseAreRefused(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            let v = version(1 << 16, account.device.id)
            let roster = Roster.recordID(account: account.id)
            let id = RecordID.random()
            let cases: [(String, JSONValue)] = [
                ("a 1-byte record", write(.random(), version: v, expected: nil, sealed: sealed(1))),
                ("an undersized record", write(.random(), version: v, expected: nil, sealed: sealed(296))),
                ("a length off the padding", write(.random(), version: v, expected: nil, sealed: sealed(298))),
                ("format byte 2", write(.random(), version: v, expected: nil,
                                        sealed: Base64URL.encode([0x02] + SecureRandom.bytes(296)))),
                ("a roster at another id", write(.random(), version: v, expected: nil, kind: 3)),
                ("a token at the roster id", write(roster, version: v, expected: nil, kind: 1)),
            ]
            for (what, w) in cases {
                let r = try await client.push(account, writes: [w], counter: 1, expected: nil)
                #expect(r.status == 422, "\(what): \(r.text)")
                #expect(r.code == "record_invalid", "\(what): \(r.text)")
            }
            #expect(try await client.get("/v1/records?after=0", token: account.token)["latest_seq"] == .int(0))
            let ok = try await client.push(account, writes: [write(id, version: v, expected: nil), write(roster, version: v, expected: nil, kind: 3),
                                                             write(.random(), version: v, expected: nil, sealed: sealed(553))],
                                           counter: 1, expected: nil)
            #expect(ok.status == 200, "\(ok.text)")
            let v2 = version(2 << 16, account.device.id)
            let changed = try await client.push(account, writes: [write(id, version: v2, expected: v, kind: 2)], counter: 2, expected: 1)
            #expect(changed.status == 422, "\(changed.text)")
            #expect(changed.code == "record_invalid")
            #expect(try await client.push(account, writes: [write(id, version: v2, expected: v)], counter: 2, expected: 1).status == 200)
        }
    }

    /// The largest block a route body could carry is 2^19; a larger one (only a rotation's
    /// 64 MiB body could hold it) is refused too.
    @Test func blocksOverTheLargestAreRefused() throws {
        let largest = [UInt8(1)] + [UInt8](repeating: 0, count: (1 << 19) + 40)
        #expect(throws: Never.self) { try RecordAdmission.checkSealed(largest, field: "sealed") }
        let over = [UInt8(1)] + [UInt8](repeating: 0, count: (1 << 20) + 40)
        #expect(throws: RelayError.self) { try RecordAdmission.checkSealed(over, field: "sealed") }
    }

    @Test(arguments: Mode.allCases)
    func grantsAndSnapshotsOfTheWrongShapeAreRefused(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            let (linked, _) = try await client.link(into: account)
            for size in [100, 102] {
                let put = try await client.send(.put, "/v1/grants", json: .obj(["epoch": .int(1), "grants": .array([
                    .obj(["recipient": .string(linked.id.hex), "sealed": .string(Base64URL.encode(SecureRandom.bytes(size)))]),
                ])]), token: account.token)
                #expect(put.code == "record_invalid", "\(size)-byte grant: \(put.text)")
            }
            let id = RecordID.random()
            func upload(_ sealed: String, id: RecordID = id) async throws -> Reply {
                try await client.post("/v1/snapshots", .obj(["snapshot_id": .string(id.hex), "epoch": .int(1), "created_at_ms": .int(5),
                                                             "sealed": .string(sealed)]), token: account.token)
            }
            let refused = [
                ("64 bytes", Base64URL.encode([0x01] + SecureRandom.bytes(63))),
                ("a block off the padding", snapshotBytes(id, created: 5, block: 4097)),
                ("another snapshot's header", snapshotBytes(.random(), created: 5)),
                ("another epoch's header", snapshotBytes(id, epoch: 2, created: 5)),
                ("another time's header", snapshotBytes(id, created: 6)),
            ]
            for (what, bytes) in refused {
                let r = try await upload(bytes)
                #expect(r.status == 422, "\(what): \(r.text)")
                #expect(r.code == "record_invalid", "\(what): \(r.text)")
            }
            #expect(try await upload(snapshotBytes(id, created: 5)).status == 201)
        }
    }
}
