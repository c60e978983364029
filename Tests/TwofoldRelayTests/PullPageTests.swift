import Hummingbird
import Testing
import TwofoldProtocol
@testable import TwofoldRelay

/// The pull page's direct encoding and the cache of encoded pages (relay-api.md, "Records")
/// [API-18].
@Suite struct PullPageTests {
    private func record(seq: Int64, sealed: Int, deleted: Bool = false) -> StoredRecord {
        StoredRecord(recordID: RecordID.random(), kind: 1 + seq % 3, version: "00000000000\(seq % 10)0000.\(DeviceID.random().hex)",
                     epoch: 1 + seq % 2, deleted: deleted, sealed: (0..<sealed).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ Int(seq)) },
                     seq: seq)
    }

    @Test func encodedBodyIsTheJSONValueText() {
        let head = StoredHead(counter: 7, deviceID: DeviceID.random(), head: [1, 2, 3, 4, 5], seq: 12)
        let pages = [
            RecordPage(records: [], latestSeq: 0, more: false, epoch: 1, head: nil),
            RecordPage(records: [], latestSeq: 12, more: false, epoch: 3, head: head),
            RecordPage(records: (1...6).map { record(seq: $0, sealed: Int($0) - 1, deleted: $0 == 2) }, latestSeq: 9_007_199_254_740_991,
                       more: true, epoch: 4_294_967_295, head: nil),
            RecordPage(records: (10...12).map { record(seq: $0, sealed: 256 + Int($0)) }, latestSeq: 12, more: false, epoch: 2, head: head),
        ]
        for page in pages {
            #expect(Array(page.encodedBody().readableBytesView) == page.json.bytes)
        }
        var escaped = record(seq: 1, sealed: 3)
        escaped.version = "a\"b\\c\n\u{1}é"
        let page = RecordPage(records: [escaped], latestSeq: -5, more: false, epoch: 0, head: nil)
        #expect(Array(page.encodedBody().readableBytesView) == page.json.bytes)
    }

    @Test func theBudgetCountsEachRecordAsTheEncoderWritesIt() {
        var escaped = record(seq: 1, sealed: 3)
        escaped.version = "a\"b\\c\n\u{1}é"
        let records = [record(seq: 1, sealed: 0), record(seq: 22, sealed: 1, deleted: true), record(seq: 333, sealed: 2),
                       record(seq: 9_007_199_254_740_991, sealed: 4137), escaped]
        let empty = RecordPage(records: [], latestSeq: 5, more: true, epoch: 1, head: nil).encodedBody().readableBytes
        for r in records {
            let one = RecordPage(records: [r], latestSeq: 5, more: true, epoch: 1, head: nil).encodedBody().readableBytes
            #expect(one - empty == PageBudget.encodedSize(r))
        }
        var budget = PageBudget(limit: 1000, maxBytes: .max)
        let admitted = records.map { budget.admit($0) }
        #expect(admitted.allSatisfy { $0 })
        let all = RecordPage(records: records, latestSeq: 5, more: true, epoch: 1, head: nil).encodedBody().readableBytes
        #expect(all - empty == budget.bytes)
    }

    @Test func aPageEndsBeforeTheRecordThatPassesTheBudgetButHoldsOne() {
        let r = record(seq: 1, sealed: 300)
        let size = PageBudget.encodedSize(r)
        func fill(limit: Int, maxBytes: Int) -> (admitted: [Bool], budget: PageBudget) {
            var budget = PageBudget(limit: limit, maxBytes: maxBytes)
            let admitted = (0..<4).map { _ in budget.admit(r) }
            return (admitted, budget)
        }
        let roomy = fill(limit: 10, maxBytes: 2 * size + 1)
        #expect(roomy.admitted == [true, true, false, false])
        #expect(roomy.budget.count == 2 && roomy.budget.bytes == 2 * size + 1)
        #expect(fill(limit: 10, maxBytes: 2 * size).admitted == [true, false, false, false])
        #expect(fill(limit: 10, maxBytes: 1).admitted == [true, false, false, false])
        #expect(fill(limit: 3, maxBytes: .max).admitted == [true, true, true, false])
    }

    @Test func plainQueryAgreesWithTheParameters() {
        #expect(RelayRoutes.plainPageQuery("after=0")! == (0, 500))
        #expect(RelayRoutes.plainPageQuery("after=17&limit=2")! == (17, 2))
        #expect(RelayRoutes.plainPageQuery("limit=1000&after=9007199254740991")! == (9_007_199_254_740_991, 1000))
        for refused in ["", "after=", "after=01", "after=1&after=2", "after=1&limit=0", "after=1&limit=1001", "after=+1",
                        "after=9007199254740992", "limit=5", "after=1&x=2", "after=%31", "after=1&", "after=1&limit=01"] {
            #expect(RelayRoutes.plainPageQuery(refused) == nil, "\(refused)")
        }
        #expect(RelayRoutes.plainPageQuery(nil) == nil)
    }

    @Test func aChangeDropsTheAccountsPagesAndRefusesOlderReads() {
        let cache = PullPageCache()
        let a = AccountID.random(), b = AccountID.random()
        let body = ByteBuffer(string: "{}")
        cache.insert(account: a, after: 0, limit: 500, body: body, ticket: cache.ticket())
        cache.insert(account: b, after: 0, limit: 500, body: body, ticket: cache.ticket())
        #expect(cache.lookup(account: a, after: 0, limit: 500) == body)
        #expect(cache.lookup(account: a, after: 0, limit: 2) == nil)
        // A read that started before a change is not kept after it.
        let before = cache.ticket()
        cache.invalidate(account: a)
        cache.insert(account: a, after: 1, limit: 500, body: body, ticket: before)
        #expect(cache.lookup(account: a, after: 0, limit: 500) == nil)
        #expect(cache.lookup(account: a, after: 1, limit: 500) == nil)
        #expect(cache.lookup(account: b, after: 0, limit: 500) == body)
        cache.invalidateAll()
        #expect(cache.count == 0)
        // Too large for an entry, or over the total: not kept, or starts again empty.
        let small = PullPageCache(maxBytes: 10, maxEntryBytes: 6)
        small.insert(account: a, after: 0, limit: 1, body: ByteBuffer(string: "1234567"), ticket: small.ticket())
        #expect(small.count == 0)
        small.insert(account: a, after: 0, limit: 1, body: ByteBuffer(string: "123456"), ticket: small.ticket())
        small.insert(account: a, after: 1, limit: 1, body: ByteBuffer(string: "123456"), ticket: small.ticket())
        #expect(small.count == 1)
        #expect(small.lookup(account: a, after: 1, limit: 1) != nil)
    }

    @Test(arguments: Mode.allCases)
    func aPushIsSeenByTheNextPull(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            let first = write(RecordID.random(), version: version(1 << 16, account.device.id), expected: nil, sealed: sealed())
            #expect(try await client.push(account, writes: [first], counter: 1, expected: nil).status == 200)
            let page1 = try await client.get("/v1/records?after=0", token: account.token)
            #expect(page1["records"]?.array?.count == 1)
            #expect(try await client.get("/v1/records?after=0", token: account.token)["latest_seq"] == .int(1))
            let second = write(RecordID.random(), version: version(2 << 16, account.device.id), expected: nil, sealed: sealed())
            #expect(try await client.push(account, writes: [second], counter: 2, expected: 1).status == 200)
            let page2 = try await client.get("/v1/records?after=0", token: account.token)
            #expect(page2["records"]?.array?.count == 2)
            #expect(page2["latest_seq"] == .int(2))
            #expect(page2["head"]?["counter"] == .int(2))
        }
    }
}
