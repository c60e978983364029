import Foundation
import Testing
@testable import TwofoldRelay

/// The pure decisions behind the connection caps and every per-address limit
/// (relay-api.md, "Limits"); the real relay under a flood is `OpenInternetTests`.
@Suite struct ConnectionLimitTests {
    @Test func ipv6AddressesAreLimitedByTheirSlash64() {
        #expect(ClientAddress.limitKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64")
        #expect(ClientAddress.limitKey("2001:0db8:0001:0002::1") == "2001:db8:1:2::/64")
        #expect(ClientAddress.limitKey("2001:db8:1:3::1") == "2001:db8:1:3::/64")
        #expect(ClientAddress.limitKey("::1") == "0:0:0:0::/64")
        #expect(ClientAddress.limitKey("fe80::1%eth0") == "fe80::1%eth0")  // not parsed: its own key
        #expect(ClientAddress.limitKey("::ffff:192.0.2.7") == "192.0.2.7")
        #expect(ClientAddress.limitKey("192.0.2.7") == "192.0.2.7")
        #expect(ClientAddress.limitKey("local") == "local")
    }

    @Test func theRateLimiterCountsOneSlash64AsOneAddress() {
        let limiter = RateLimiter()
        let rule = RateLimiter.Rule(ratePerSecond: 0.001, burst: 2)
        let keys = (1...3).map { "address:" + ClientAddress.limitKey("2001:db8:1:2::\($0)") }
        #expect(limiter.take(keys[0], rule: rule, nowMs: 0) == nil)
        #expect(limiter.take(keys[1], rule: rule, nowMs: 0) == nil)
        #expect(limiter.take(keys[2], rule: rule, nowMs: 0) != nil)
        #expect(limiter.take("address:" + ClientAddress.limitKey("2001:db8:1:3::1"), rule: rule, nowMs: 0) == nil)
    }

    @Test func connectionsAreCappedPerAddressAndInTotal() {
        var counts = ConnectionCounts(perAddress: 2, total: 5, exempt: ["10.0.0.1"])
        #expect(counts.admit("a") == .admitted)
        #expect(counts.admit("a") == .admitted)
        #expect(counts.admit("a") == .tooManyFromAddress)
        #expect(counts.admit("b") == .admitted)
        for _ in 0..<2 { #expect(counts.admit("10.0.0.1") == .admitted) }  // a trusted proxy: only the total
        #expect(counts.open == 5)
        #expect(counts.admit("c") == .tooMany)
        counts.release("a")
        #expect(counts.admit("c") == .admitted)
        #expect(counts.admit("a") == .tooMany)
        counts.release("c")
        counts.release("a")
        #expect(counts.admit("a") == .admitted)
        counts.release("nobody")  // never admitted: nothing changes
        #expect(counts.open == 4 && counts.byKey["a"] == 1)
        for key in ["a", "b", "10.0.0.1", "10.0.0.1"] { counts.release(key) }
        #expect(counts.open == 0 && counts.byKey.isEmpty)
    }

    @Test func theTotalCapLeavesDescriptorsForTheStore() {
        #expect(ConnectionCounts.effectiveTotal(setting: 16_384, descriptorLimit: 65_536) == 16_384)
        #expect(ConnectionCounts.effectiveTotal(setting: 16_384, descriptorLimit: 1024) == 768)
        #expect(ConnectionCounts.effectiveTotal(setting: 100, descriptorLimit: 1024) == 100)
        #expect(ConnectionCounts.effectiveTotal(setting: 16_384, descriptorLimit: 100) == 16)
    }

    @Test func aDataDirectoryOthersCanOpenIsRefused() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("datadir-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        #expect(DataDirectoryCheck.problem(base) == nil)  // missing: made 0700
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: false)
        chmod(base, 0o700)
        #expect(DataDirectoryCheck.problem(base) == nil)
        for mode: mode_t in [0o750, 0o705, 0o720, 0o777] {
            chmod(base, mode)
            let problem = try #require(DataDirectoryCheck.problem(base))
            #expect(problem.contains("chmod 700 \(base)") && problem.contains("mode \(String(mode, radix: 8))"))
        }
        chmod(base, 0o700)
        let file = base + "/file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        #expect(DataDirectoryCheck.problem(file)?.contains("is not a directory") == true)
    }
}
