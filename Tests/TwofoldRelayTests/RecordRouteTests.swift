import Testing
import TwofoldProtocol
@testable import TwofoldRelay

/// Pushes, pulls and heads (relay-api.md, "Records", "Heads") [API-18][API-19][API-20].
@Suite struct RecordRouteTests {
    @Test(arguments: Mode.allCases)
    func pushThenPullInSeqOrderWithHeadOnLastPage(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            #expect(try await client.get("/v1/head", token: account.token)["head"] == .null)
            let ids = (0..<5).map { _ in RecordID.random() }
            let bytes = ids.map { _ in sealed() }
            let writes = zip(ids, bytes).map { write($0, version: version(1 << 16, account.device.id), expected: nil, sealed: $1) }
            let r = try await client.push(account, writes: writes, counter: 1, expected: nil)
            #expect(r.status == 200, "\(r.text)")
            #expect(r["seq"] == .int(5))
            #expect(r["records"]?.array?.map { $0["seq"]?.int } == [1, 2, 3, 4, 5])
            let page1 = try await client.get("/v1/records?after=0&limit=2", token: account.token)
            #expect(page1["more"] == .bool(true))
            #expect(page1["head"] == nil)
            #expect(page1["latest_seq"] == .int(5))
            #expect(page1["records"]?.array?.map { $0["seq"]?.int } == [1, 2])
            let page3 = try await client.get("/v1/records?after=4&limit=2", token: account.token)
            #expect(page3["more"] == .bool(false))
            #expect(page3["head"]?["counter"] == .int(1))
            #expect(page3["head"]?["seq"] == .int(5))
            #expect(page3["head"]?["device_id"] == .string(account.device.id.hex))
            // Stored bytes unchanged [API-20].
            let all = try await client.get("/v1/records?after=0", token: account.token)
            #expect(all["records"]?.array?.map { $0["sealed"]?.string } == bytes)
            #expect(try await client.get("/v1/head", token: account.token)["head"]?["counter"] == .int(1))
        }
    }

    @Test(arguments: Mode.allCases)
    func compareAndSwapRefusesWholeBatchesAndReplays(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            let a = RecordID.random(), b = RecordID.random()
            let v1 = version(1 << 16, account.device.id), v2 = version(2 << 16, account.device.id)
            let batch = [write(a, version: v1, expected: nil), write(b, version: v1, expected: nil)]
            #expect(try await client.push(account, writes: batch, counter: 1, expected: nil).status == 200)
            // Replaying the same batch changes nothing [API-19].
            let replay = try await client.push(account, writes: batch, counter: 1, expected: nil)
            #expect(replay.status == 409)
            #expect(replay.code == "version_conflict")
            #expect(replay.json["conflict"]?["records"]?.array?.count == 2)
            // One stale write refuses the batch, including the good one.
            let mixed = [write(a, version: v2, expected: v1), write(b, version: v2, expected: version(9, account.device.id))]
            let conflict = try await client.push(account, writes: mixed, counter: 2, expected: 1)
            #expect(conflict.code == "version_conflict")
            #expect(conflict.json["conflict"]?["records"]?.array?.first?["record_id"] == .string(b.hex))
            let page = try await client.get("/v1/records?after=0", token: account.token)
            #expect(page["latest_seq"] == .int(2))
            #expect(page["records"]?.array?.allSatisfy { $0["version"] == .string(v1) } == true)
            // Head compare-and-swap.
            let head = try await client.push(account, writes: [write(a, version: v2, expected: v1)], counter: 3, expected: 1)
            #expect(head.code == "head_conflict")
            #expect(head.json["conflict"]?["latest_seq"] == .int(2))
            #expect(head.json["conflict"]?["head"]?["counter"] == .int(1))
            // Wrong epoch.
            let epoch = try await client.push(account, writes: [write(a, version: v2, expected: v1, epoch: 2)], counter: 2, expected: 1)
            #expect(epoch.code == "epoch_mismatch")
            #expect(epoch.json["conflict"]?["epoch"] == .int(1))
            // Empty batch publishes a head.
            #expect(try await client.push(account, writes: [], counter: 2, expected: 1).status == 200)
        }
    }

    @Test(arguments: Mode.allCases)
    func malformedWritesAreRefused(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            let id = RecordID.random()
            let v = version(1 << 16, account.device.id)
            // A wrong format byte is now 422 record_invalid, the code of every sealed-bytes rule [API-31].
            #expect(try await client.push(account, writes: [write(id, version: v, expected: nil, sealed: Base64URL.encode([0x02, 1, 2]))],
                                          counter: 1, expected: nil).code == "record_invalid")
            for bad in [write(id, version: "019B76DB6B500000." + account.device.id.hex, expected: nil),
                        write(id, version: v, expected: nil, kind: 4),
                        write(id, version: v, expected: nil, epoch: 0)] {
                #expect(try await client.push(account, writes: [bad], counter: 1, expected: nil).code == "malformed_request")
            }
            let twice = [write(id, version: v, expected: nil), write(id, version: v, expected: nil)]
            #expect(try await client.push(account, writes: twice, counter: 1, expected: nil).code == "malformed_request")
        }
    }

    /// [SYN-6]: a write's version must be newer than the version it replaces; an older or
    /// equal one is refused before the store is asked, and nothing of its batch lands.
    @Test(arguments: Mode.allCases)
    func aWriteMustBeNewerThanTheCopyItReplaces(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            let id = RecordID.random(), other = RecordID.random()
            let v2 = version(2 << 16, account.device.id)
            #expect(try await client.push(account, writes: [write(id, version: v2, expected: nil)], counter: 1, expected: nil).status == 200)
            let higherDevice = try DeviceID(bytes: [UInt8](repeating: 0xff, count: 16))
            let lowerDevice = try DeviceID(bytes: [UInt8](repeating: 0x00, count: 16))
            for stale in [version(1 << 16, account.device.id), v2, version(2 << 16, lowerDevice)] {
                let refused = try await client.push(account, writes: [write(other, version: version(3 << 16, account.device.id), expected: nil),
                                                                     write(id, version: stale, expected: v2)],
                                                    counter: 2, expected: 1)
                #expect(refused.code == "malformed_request", "\(stale): \(refused.text)")
                #expect((refused.json["error"]?["message"]?.string ?? "").contains("is not newer than the version it replaces"))
            }
            let page = try await client.get("/v1/records?after=0", token: account.token)
            #expect(page["records"]?.array?.count == 1 && page["latest_seq"] == .int(1))
            // Newer by the hlc, or by the device id at an equal hlc: accepted.
            let sameTime = version(2 << 16, higherDevice)
            #expect(try await client.push(account, writes: [write(id, version: sameTime, expected: v2)], counter: 2, expected: 1).status == 200)
            let later = version(5 << 16, account.device.id)
            #expect(try await client.push(account, writes: [write(id, version: later, expected: sameTime)], counter: 3, expected: 2).status == 200)
        }
    }

    @Test(arguments: Mode.allCases)
    func batchAndQuotaLimits(_ mode: Mode) async throws {
        try await RelayHarness {
            $0.limits.batchWrites = 3
            $0.limits.recordsPerAccount = 4
            $0.limits.recordBytesPerAccount = 1000
        }.run(mode) { client in
            let account = try await client.createAccount()
            let v = version(1 << 16, account.device.id)
            let four = (0..<4).map { _ in write(.random(), version: v, expected: nil, sealed: sealed(297)) }
            let tooMany = try await client.push(account, writes: four, counter: 1, expected: nil)
            #expect(tooMany.status == 413)
            #expect(tooMany.code == "batch_too_large")
            #expect(try await client.push(account, writes: Array(four[0..<3]), counter: 1, expected: nil).status == 200)
            let overRecords = try await client.push(account, writes: [write(.random(), version: v, expected: nil), write(.random(), version: v, expected: nil)],
                                                    counter: 2, expected: 1)
            #expect(overRecords.status == 507)
            #expect(overRecords.code == "quota_exceeded")
            #expect(overRecords.json["error"]?["details"]?["quota"] == .string("records"))
            let overBytes = try await client.push(account, writes: [write(.random(), version: v, expected: nil, sealed: sealed(553))],
                                                  counter: 2, expected: 1)
            #expect(overBytes.json["error"]?["details"]?["quota"] == .string("record_bytes"))
            #expect(try await client.get("/v1/records?after=0", token: account.token)["latest_seq"] == .int(3))
        }
    }
}
