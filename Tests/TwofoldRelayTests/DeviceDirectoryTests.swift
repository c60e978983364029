import Testing
import TwofoldProtocol
@testable import TwofoldRelay

/// The in-memory device directory every request is checked against [API-12].
@Suite struct DeviceDirectoryTests {
    /// A reload reads the store, then replaces the directory: a snapshot read just before a
    /// rotation committed can land just after the revocation was applied in memory (by the
    /// route, or a replica's notification). Revocations and deletions are final, so the
    /// stale snapshot must not undo them.
    @Test func aStaleReloadDoesNotUndoARevocationOrADeletion() {
        let directory = DeviceDirectory()
        let account = AccountID.random(), gone = AccountID.random()
        let device = DeviceID.random(), other = DeviceID.random(), newcomer = DeviceID.random()
        let stale = DeviceDirectorySnapshot(devices: [device: (account, .active), other: (gone, .active)], deletedAccounts: [])
        directory.load(stale)
        directory.revoke([device])
        directory.deleteAccount(gone)
        directory.load(stale)
        #expect(directory.standing(device: device, account: account) == .revoked)
        #expect(directory.standing(device: other, account: gone) == .accountDeleted)
        // A fresh snapshot still brings what is new.
        directory.load(DeviceDirectorySnapshot(devices: [device: (account, .active), newcomer: (account, .active)], deletedAccounts: []))
        #expect(directory.standing(device: newcomer, account: account) == .active)
        #expect(directory.standing(device: device, account: account) == .revoked)
    }
}
