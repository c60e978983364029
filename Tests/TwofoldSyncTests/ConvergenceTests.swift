import TwofoldCrypto
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

    /// [SYN-21]: A and B each add a device to the roster while offline, B later, so B's edit
    /// would win the merge rule and drop A's addition. The relay's new copy replaces B's
    /// unpushed edit instead; B's flow makes its change again from that copy, and both new
    /// devices stay (two devices approving links at once: `LinkApproval.complete`).
    @Test func concurrentRosterEditsLoseNeitherAddition() async throws {
        let devices = try await TwoDevices()
        let a = try devices.vault(devices.homeA)
        let b = try devices.vault(devices.homeB)
        func newDevice(_ name: String) -> Roster.Device {
            Roster.Device(id: .random(), signingKey: Ed25519KeyPair.generate().publicKey,
                          boxKey: X25519KeyPair.generate().publicKey, addedMilliseconds: 1, name: name)
        }
        let n1 = newDevice("n1"), n2 = newDevice("n2")
        try a.addToRoster(n1)
        try await Task.sleep(for: .milliseconds(5))  // B's edit is the later one
        try b.addToRoster(n2)
        let edits = try [a, b].map { try #require($0.syncStore.outboxBatch(limit: 10, maxBytes: 1 << 20).writes.first { $0.record.header.kind == .roster }?.record) }
        #expect(Merge.wins(edits[1], over: edits[0]), "B's edit must be the one the merge rule keeps")

        try await devices.sync(devices.homeA)  // A's edit reaches the relay first
        try await devices.sync(devices.homeB)  // B pulls it: its own edit, made from the old copy, is replaced
        #expect(try b.roster()?.device(n1.id) != nil, "A's addition was lost")
        #expect(try b.roster()?.device(n2.id) == nil)
        #expect(try b.addToRoster(n2))  // B's flow adds again, from the relay's copy
        try await devices.sync(devices.homeB)
        try await devices.sync(devices.homeA)
        let everyone = Set([a.device, b.device, n1.id, n2.id])
        #expect(try Set(a.roster()?.devices.map(\.id) ?? []) == everyone)
        #expect(try Set(b.roster()?.devices.map(\.id) ?? []) == everyone)
    }

    /// [DEV-3]: a head signed by a device outside the roster is refused before anything is
    /// applied: unlocked as an unknown signer; locked (no roster to open) as needing the
    /// vault unlocked, since the cached signers do not know it.
    @Test func aHeadSignedOutsideTheRosterIsRefused() async throws {
        let devices = try await TwoDevices()
        let b = try devices.vault(devices.homeB)
        let relay = await devices.relay.snapshot()
        let stranger = DeviceID.random()
        let forged = Head(account: b.account, counter: (relay.head?.head.counter ?? 0) + 1, epoch: 1,
                          records: relay.records.values.map(\.record.header), signer: stranger)
            .signed(with: Ed25519KeyPair.generate())
        let pull = PulledSet(records: [], latestSeq: relay.seq, epoch: 1, head: forged)
        let before = try b.syncStore.state()
        #expect(throws: ProtocolError.unknownSigner(stranger)) { try b.syncStore.applyPull(pull, keyring: b.keyring) }
        #expect(throws: SyncRefusal.self) { try b.syncStore.applyPull(pull, keyring: nil) }
        #expect(try b.syncStore.state() == before)
    }

    /// [DEV-4]: a device that finds itself absent from the roster after a sync stops
    /// writing to the relay and says so; what it wrote locally stays in its vault.
    @Test func aDeviceRemovedFromTheRosterStopsWriting() async throws {
        let devices = try await TwoDevices()
        let a = try devices.vault(devices.homeA)
        let b = try devices.vault(devices.homeB)
        #expect(try a.removeFromRoster(b.device))
        try await devices.sync(devices.homeA)
        try b.add(TwoDevices.totp("WrittenAfterRemoval", 9))
        let seq = await devices.relay.seq
        for _ in 0..<2 {
            await #expect {
                try await devices.sync(devices.homeB)
            } throws: { error in
                "\(error)".contains("this device was removed from its account: nothing more is written")
            }
        }
        #expect(await devices.relay.seq == seq, "the removed device wrote to the relay")
        #expect(try devices.tokens(devices.homeB).contains("WrittenAfterRemoval:me:"))
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
