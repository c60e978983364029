import Foundation
import LoopbackHTTP
import Testing
import TwofoldProtocol

/// The real `twofold-relay` against what a relay on the open internet meets (issue 15):
/// accounts whose records pass a pull page's byte budget, floods of half-open connections,
/// and a data directory others can read. Loopback only; the other "clients" are other
/// 127.x addresses, which Linux routes to loopback.
@Suite(.serialized) struct OpenInternetTests {
    @Test func pullPagesEndAtTheirByteBudgetAndFollowingMoreGetsEveryRecord() throws {
        let relay = RelayProcess()
        defer { relay.cleanUp() }
        let pageBytes = 64 << 10
        try relay.start(["--registration", "open"], environment: ["TWOFOLD_RELAY_PAGE_BYTES": "\(pageBytes)"])
        var device = E2EDevice()
        #expect(try device.createAccount(port: relay.port) == 201)
        // 40 records of 16 KiB sealed (21,900 bytes in base64url): 880 KB, 13 times the budget.
        var set: [RecordID: RecordHeader] = [:]
        let pushed = try RawHTTP.request(port: relay.port, "POST", "/v1/records",
                                         body: device.batch(count: 40, counter: 1, over: &set, recordBytes: 16384 + 41), token: device.token)
        #expect(pushed.status == 200, "\(pushed.body)")
        var after = 0, pages = 0, seen: [String] = [], sizes: [Int] = [], head: [String: Any]?
        while pages < 100 {
            let r = try RawHTTP.request(port: relay.port, "GET", "/v1/records?after=\(after)&limit=1000", token: device.token)
            #expect(r.status == 200)
            pages += 1
            sizes.append(r.body.utf8.count)
            let page = E2EDevice.json(r.body)
            let records = page["records"] as? [[String: Any]] ?? []
            #expect(!records.isEmpty)
            seen += records.compactMap { $0["record_id"] as? String }
            after = records.last?["seq"] as? Int ?? after
            guard page["more"] as? Bool == true else { head = page["head"] as? [String: Any]; break }
            #expect(page["head"] == nil)
        }
        #expect(Set(seen) == Set(set.keys.map(\.hex)))
        #expect(seen.count == 40)
        #expect(pages == 20, "\(sizes)")
        #expect(sizes.allSatisfy { $0 <= pageBytes + 1024 }, "\(sizes)")
        #expect(head?["counter"] as? Int == 1)
    }
}
