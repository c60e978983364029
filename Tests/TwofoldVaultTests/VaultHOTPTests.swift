import Foundation
import Testing
import TwofoldCrypto
import TwofoldOTP
import TwofoldProtocol
@testable import TwofoldVault

@Suite("HOTP counters")
struct VaultHOTPTests {
    /// RFC 4226 Appendix D secret and codes.
    static let secret = Array("12345678901234567890".utf8)
    static let rfcCodes = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]

    @Test func eachUseAdvancesTheCounter() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        let entry = try vault.add(OTPToken(kind: .hotp, secret: Self.secret, issuer: "VPN", account: "a", counter: 0))
        var codes: [String] = []
        for _ in 0..<4 {
            // A fresh open each time, like separate CLI invocations.
            let v = try Vault.open(home: tmp.home) { "" }
            codes.append(try v.useHOTP(id: entry.id).code)
        }
        #expect(codes == Array(Self.rfcCodes.prefix(4)))
        #expect(try vault.peekHOTPCounter(id: entry.id) == 4)
    }

    @Test func anotherDevicesCounterIsNeverReused() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        let entry = try vault.add(OTPToken(kind: .hotp, secret: Self.secret, issuer: "VPN", account: "a", counter: 2))
        #expect(try vault.useHOTP(id: entry.id).counter == 2)
        // A counter record arriving from another device that has used up to 6.
        let other = DeviceID.random()
        let header = RecordHeader(
            account: vault.account, id: CounterPayload.recordID(token: entry.id, device: other), kind: .hotpCounter,
            version: RecordVersion(hlc: 1 << 40, device: other), epoch: 1, deleted: false)
        let record = try RecordCipher.seal(payload: CounterPayload(token: entry.id, next: 7).encoded(), header: header, key: vault.currentKey)
        try vault.store.write { try VaultStore.upsert(record, $0) }
        let use = try vault.useHOTP(id: entry.id)
        #expect(use.counter == 7 && use.code == Self.rfcCodes[7])
    }

    @Test func concurrentUsersNeverShareACounter() async throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        let id = try vault.add(OTPToken(kind: .hotp, secret: Self.secret, issuer: "VPN", account: "a")).id
        let home = tmp.home
        let counters = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let v = try Vault.open(home: home) { "" }
                    var used: [UInt64] = []
                    for _ in 0..<10 { used.append(try v.useHOTP(id: id).counter) }
                    return used
                }
            }
            var all: [UInt64] = []
            for try await part in group { all += part }
            return all
        }
        #expect(Set(counters).count == 40)
        #expect(Set(counters) == Set(0..<40))
    }

    @Test func unreadableCounterRecordBlocksUseRatherThanRisksReuse() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        let entry = try vault.add(OTPToken(kind: .hotp, secret: Self.secret, issuer: "VPN", account: "a"))
        _ = try vault.useHOTP(id: entry.id)
        try vault.store.write { db in
            try db.execute(sql: "UPDATE records SET hlc = hlc + 1 WHERE kind = 2")
        }
        #expect(throws: VaultError.self) { try vault.useHOTP(id: entry.id) }
    }
}
