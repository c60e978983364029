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

    /// Suspension is not final: each reload says which accounts are suspended, and a
    /// reload reports the accounts newly deleted or suspended, whose streams are closed.
    @Test func suspensionFollowsTheStoreAndReloadsReportWhatClosed() {
        let directory = DeviceDirectory()
        let account = AccountID.random(), device = DeviceID.random()
        let active = DeviceDirectorySnapshot(devices: [device: (account, .active)], deletedAccounts: [])
        #expect(directory.load(active).isEmpty)
        var suspended = active
        suspended.disabledAccounts = [account]
        #expect(directory.load(suspended) == [account])
        #expect(directory.standing(device: device, account: account) == .accountDisabled)
        #expect(directory.load(suspended).isEmpty, "reported once")
        #expect(directory.load(active).isEmpty)
        #expect(directory.standing(device: device, account: account) == .active)
        var deleted = active
        deleted.deletedAccounts = [account]
        #expect(directory.load(deleted) == [account])
        #expect(directory.standing(device: device, account: account) == .accountDeleted)
    }

    /// Last-seen writes: the first request, then at most one a minute per device.
    @Test func lastSeenIsWrittenAtMostOnceAMinutePerDevice() {
        let throttle = LastSeenThrottle(intervalMs: 60_000)
        let a = DeviceID.random(), b = DeviceID.random()
        #expect(throttle.shouldWrite(a, nowMs: 1_000))
        #expect(!throttle.shouldWrite(a, nowMs: 30_000))
        #expect(throttle.shouldWrite(b, nowMs: 30_000))
        #expect(!throttle.shouldWrite(a, nowMs: 60_999))
        #expect(throttle.shouldWrite(a, nowMs: 61_000))
        // A clock that stepped back does not silence a device for the length of the step.
        #expect(throttle.shouldWrite(a, nowMs: 10_000))
    }
}
