import Testing
import TwofoldOTP
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

/// Concurrent edits of one token (Protocol/sync.md, "Concurrent edits"): different fields
/// merge, the same field keeps the loser as a conflict, delete against edit is reported,
/// and a locked pull holds the relay copy instead of overwriting it [SYN-23, SYN-24].
struct ConcurrentEditTests {
    /// A and B share `token`, synced; both vaults open.
    func shared() async throws -> (TwoDevices, Vault, Vault, RecordID) {
        let devices = try await TwoDevices()
        let a = try devices.vault(devices.homeA)
        var token = TwoDevices.totp("Example")
        token.tags = ["work"]
        token.note = "old"
        let entry = try a.add(token)
        try await devices.sync(devices.homeA)
        try await devices.sync(devices.homeB)
        return (devices, a, try devices.vault(devices.homeB), entry.id)
    }

    func token(_ vault: Vault, _ id: RecordID) throws -> OTPToken? {
        try vault.tokens().entries.first { $0.id == id }?.token
    }

    @Test func differentFieldsOfOneTokenBothSurvive() async throws {
        let (devices, a, b, id) = try await shared()
        try a.edit(id: id) { $0.issuer = "Example Corp"; $0.tags.append("vpn") }
        try b.edit(id: id) { $0.note = "from b"; $0.tags.append("home") }
        try await devices.sync(devices.homeA)
        try await devices.sync(devices.homeB)
        try await devices.sync(devices.homeA)
        for vault in [a, b] {
            let merged = try #require(try token(vault, id))
            #expect(merged.issuer == "Example Corp" && merged.note == "from b")
            #expect(Set(merged.tags) == ["work", "vpn", "home"])
            #expect(try vault.conflicts().isEmpty)
        }
        #expect(try a.syncStore.pendingCount() == 0 && b.syncStore.pendingCount() == 0)
    }

    @Test func theSameFieldKeepsTheNewerValueAndTheOtherAsAResolvableConflict() async throws {
        let (devices, a, b, id) = try await shared()
        try b.edit(id: id) { $0.note = "from b, earlier" }
        try await Task.sleep(for: .milliseconds(5))  // A's edit is the newer one
        try a.edit(id: id) { $0.note = "from a, later" }
        try await devices.sync(devices.homeA)
        try await devices.sync(devices.homeB)
        try await devices.sync(devices.homeA)
        #expect(try token(a, id)?.note == "from a, later")
        #expect(try token(b, id)?.note == "from a, later")
        let conflict = try #require(try b.conflicts().first)
        #expect(conflict.fields == [.note] && conflict.mineLost)
        #expect(conflict.mine?.note == "from b, earlier" && conflict.theirs?.note == "from a, later")
        #expect(try b.syncStore.conflictCount() == 1)

        try b.resolveConflict(conflict.id, keepMine: true)
        try await devices.sync(devices.homeB)
        try await devices.sync(devices.homeA)
        #expect(try token(a, id)?.note == "from b, earlier")
        #expect(try token(b, id)?.note == "from b, earlier")
        #expect(try b.conflicts().isEmpty)
    }

    @Test func aDeleteMeetingANewerEditKeepsTheTokenAndReportsTheDelete() async throws {
        let (devices, a, b, id) = try await shared()
        try b.remove(id: id)
        try await Task.sleep(for: .milliseconds(5))
        try a.edit(id: id) { $0.note = "edited later" }
        try await devices.sync(devices.homeA)
        try await devices.sync(devices.homeB)
        try await devices.sync(devices.homeA)
        #expect(try token(a, id)?.note == "edited later")
        #expect(try token(b, id)?.note == "edited later")
        let conflict = try #require(try b.conflicts().first)
        #expect(conflict.fields == [.deleted] && conflict.mine == nil && conflict.mineLost)
        try b.resolveConflict(conflict.id, keepMine: true)  // delete it after all
        try await devices.sync(devices.homeB)
        try await devices.sync(devices.homeA)
        #expect(try token(a, id) == nil && token(b, id) == nil)
    }

    @Test func anEditMeetingANewerDeleteIsKeptAsAConflict() async throws {
        let (devices, a, b, id) = try await shared()
        try b.edit(id: id) { $0.note = "edited earlier" }
        try await Task.sleep(for: .milliseconds(5))
        try a.remove(id: id)
        try await devices.sync(devices.homeA)
        try await devices.sync(devices.homeB)
        #expect(try token(a, id) == nil && token(b, id) == nil)
        let conflict = try #require(try b.conflicts().first)
        #expect(conflict.fields == [.deleted] && conflict.mine?.note == "edited earlier" && conflict.theirs == nil)
        try b.resolveConflict(conflict.id, keepMine: true)  // bring it back
        try await devices.sync(devices.homeB)
        try await devices.sync(devices.homeA)
        #expect(try token(a, id)?.note == "edited earlier")
    }

    @Test func aLockedPullHoldsTheCopyAndTheUnlockedOneMerges() async throws {
        let (devices, a, b, id) = try await shared()
        try a.edit(id: id) { $0.issuer = "From A" }
        try b.edit(id: id) { $0.note = "from b" }
        try await devices.sync(devices.homeA)
        try await devices.sync(devices.homeB, locked: true)
        // Held, not pushed: A's copy is still the relay's, B's change still waits.
        #expect(try b.syncStore.heldCount() == 1)
        try await devices.sync(devices.homeA)
        #expect(try token(a, id)?.issuer == "From A" && token(a, id)?.note == "old")
        try await devices.sync(devices.homeB)
        try await devices.sync(devices.homeA)
        #expect(try b.syncStore.heldCount() == 0)
        for vault in [a, b] {
            #expect(try token(vault, id)?.issuer == "From A")
            #expect(try token(vault, id)?.note == "from b")
        }
    }
}
