import Testing
import TwofoldOTP
import TwofoldProtocol
import TwofoldVault
@testable import TwofoldSync

/// Two vaults syncing through the in-memory relay with the real engine, store and
/// verification (Protocol/sync.md, "Convergence").
@Suite("Convergence")
struct ConvergenceTests {
    @Test func addsEditsAndDeletesSyncBothWays() async throws {
        let devices = try await TwoDevices()
        let a = try devices.vault(devices.homeA)
        let gh = try a.add(TwoDevices.totp("GitHub", 1))
        try a.add(TwoDevices.totp("Mail", 2))
        try await devices.sync(devices.homeA)
        try await devices.sync(devices.homeB)
        #expect(try devices.tokens(devices.homeB) == ["GitHub:me:", "Mail:me:"])

        let b = try devices.vault(devices.homeB)
        try b.edit(id: gh.id) { $0.note = "edited on b" }
        let mail = try b.tokens().entries.first { $0.token.issuer == "Mail" }!
        try b.remove(id: mail.id)
        try await devices.sync(devices.homeB)
        try await devices.sync(devices.homeA)
        #expect(try devices.tokens(devices.homeA) == ["GitHub:me:edited on b"])
        #expect(try devices.tokens(devices.homeA) == devices.tokens(devices.homeB))
        #expect(try a.syncStore.pendingCount() == 0)
    }

    @Test func offlineEditsOnBothConvergeAndTheNewerEditWins() async throws {
        let devices = try await TwoDevices()
        let a = try devices.vault(devices.homeA)
        let shared = try a.add(TwoDevices.totp("Shared", 1))
        let doomed = try a.add(TwoDevices.totp("Doomed", 2))
        try await devices.sync(devices.homeA)
        try await devices.sync(devices.homeB)
        let b = try devices.vault(devices.homeB)

        // Both offline: each adds one, both edit the same token (b later), a deletes one b edits earlier.
        try b.edit(id: doomed.id) { $0.note = "b kept it" }
        try a.add(TwoDevices.totp("OnlyA", 3))
        try a.edit(id: shared.id) { $0.note = "a" }
        try a.remove(id: doomed.id)
        try b.add(TwoDevices.totp("OnlyB", 4))
        try b.edit(id: shared.id) { $0.note = "b" }

        try await devices.sync(devices.homeA)
        let report = try await devices.sync(devices.homeB)  // conflicts with a's push are merged
        try await devices.sync(devices.homeA)
        #expect(report.pushed >= 2)
        let expected = ["OnlyA:me:", "OnlyB:me:", "Shared:me:b"]
        #expect(try devices.tokens(devices.homeA) == expected)
        #expect(try devices.tokens(devices.homeB) == expected)
        #expect(try Set(a.syncStore.localHeaders()) == Set(b.syncStore.localHeaders()))
    }

    @Test func hotpCountersNeverGoBackOnceSynced() async throws {
        let devices = try await TwoDevices()
        let a = try devices.vault(devices.homeA)
        let token = try a.add(OTPToken(kind: .hotp, secret: [UInt8](repeating: 9, count: 20), issuer: "VPN", account: "me", counter: 10))
        try await devices.sync(devices.homeA)
        try await devices.sync(devices.homeB)
        let b = try devices.vault(devices.homeB)
        // Offline, a uses 10, 11, 12 and b uses 10.
        let usedA = try (0..<3).map { _ in try a.useHOTP(id: token.id).counter }
        let usedB = try b.useHOTP(id: token.id).counter
        #expect(usedA == [10, 11, 12])
        #expect(usedB == 10)
        try await devices.sync(devices.homeB)
        try await devices.sync(devices.homeA)
        try await devices.sync(devices.homeB)
        // Once synced, neither device goes below 13.
        #expect(try b.useHOTP(id: token.id).counter == 13)
        try await devices.sync(devices.homeB)
        try await devices.sync(devices.homeA)
        #expect(try a.useHOTP(id: token.id).counter == 14)
    }

    @Test func aRecordThatFailsAuthenticationIsNeverApplied() async throws {
        let devices = try await TwoDevices()
        let a = try devices.vault(devices.homeA)
        let token = try a.add(TwoDevices.totp("GitHub"))
        try await devices.sync(devices.homeA)
        try await devices.sync(devices.homeB)
        try a.edit(id: token.id) { $0.note = "new" }
        try await devices.sync(devices.homeA)
        await devices.relay.tamperNewest()
        let before = try devices.vault(devices.homeB).syncStore.localHeaders()
        await #expect(throws: SyncError.self) { try await devices.sync(devices.homeB) }
        #expect(try devices.tokens(devices.homeB) == ["GitHub:me:"])
        #expect(try Set(devices.vault(devices.homeB).syncStore.localHeaders()) == Set(before))
        #expect(try devices.vault(devices.homeB).syncStore.state()?.lastError?.contains("failed authentication") == true)
    }

    @Test func aRolledBackRelayIsRefused() async throws {
        let devices = try await TwoDevices()
        let old = await devices.relay.snapshot()
        let a = try devices.vault(devices.homeA)
        try a.add(TwoDevices.totp("GitHub"))
        try await devices.sync(devices.homeA)
        try await devices.sync(devices.homeB)
        await devices.relay.rollBack(to: old)
        await #expect(throws: SyncError.self) { try await devices.sync(devices.homeB) }
        #expect(try devices.tokens(devices.homeB) == ["GitHub:me:"])
    }

    @Test func aLockedDeviceMergesCiphertextByItsMetadata() async throws {
        let devices = try await TwoDevices()
        let a = try devices.vault(devices.homeA)
        try a.add(TwoDevices.totp("GitHub"))
        try await devices.sync(devices.homeA, locked: true)
        try await devices.sync(devices.homeB, locked: true)
        #expect(try devices.tokens(devices.homeB) == ["GitHub:me:"])
    }
}
