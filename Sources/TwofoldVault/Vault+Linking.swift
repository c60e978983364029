import Foundation
import GRDB
import TwofoldCrypto
import TwofoldProtocol

/// A link this (existing) device has agreed to and not finished (Protocol/devices.md,
/// "Linking", step 6): the new device's keys as the checked offer gave them, its name,
/// and the link key that makes the reply tag.
public struct PendingLink: Sendable {
    /// The pairing mailbox, 10 bytes.
    public var rendezvousID: [UInt8]
    /// `link_key`, in guarded memory.
    public var linkKey: SecureBytes
    /// The new device as it goes into the roster.
    public var device: Roster.Device
    /// When the relay deletes the mailbox, Unix milliseconds.
    public var expiresMilliseconds: UInt64

    /// Creates a pending link.
    public init(rendezvousID: [UInt8], linkKey: SecureBytes, device: Roster.Device, expiresMilliseconds: UInt64) {
        self.rendezvousID = rendezvousID
        self.linkKey = linkKey
        self.device = device
        self.expiresMilliseconds = expiresMilliseconds
    }
}

extension Vault {
    /// The pending link, if one was persisted and not cleared.
    public func pendingLink() throws -> PendingLink? {
        try store.read { db -> PendingLink? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM pending_link WHERE singleton = 1") else { return nil }
            let device = Roster.Device(
                id: try DeviceID(bytes: Array(row["device_id"] as Data)), signingKey: Array(row["sign_key"] as Data),
                boxKey: Array(row["box_key"] as Data), addedMilliseconds: UInt64(clamping: row["created_ms"] as Int64),
                name: row["name"])
            return PendingLink(rendezvousID: Array(row["rendezvous_id"] as Data), linkKey: SecureBytes(Array(row["link_key"] as Data)),
                               device: device, expiresMilliseconds: UInt64(clamping: row["expires_ms"] as Int64))
        }
    }

    /// Persists `link` (step 6), replacing any earlier one. Refuses a device id that is
    /// already in the roster: linking never replaces a member's keys.
    public func savePendingLink(_ link: PendingLink) throws {
        guard let roster = try roster() else { throw SyncRefusal.rosterUnavailable("no roster record was pulled") }
        if let member = roster.device(link.device.id),
           member.signingKey != link.device.signingKey || member.boxKey != link.device.boxKey {
            throw SyncRefusal.rosterUnavailable("the new device's id \(link.device.id) already belongs to another device of the account")
        }
        _ = try roster.adding(link.device)  // the name and keys are valid roster values
        try store.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO pending_link
                    (singleton, rendezvous_id, link_key, device_id, sign_key, box_key, name, expires_ms, created_ms)
                VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Data(link.rendezvousID), Data(link.linkKey.copyBytes()), Data(link.device.id.bytes),
                                 Data(link.device.signingKey), Data(link.device.boxKey), link.device.name,
                                 Int64(clamping: link.expiresMilliseconds), Int64(clamping: link.device.addedMilliseconds)])
        }
    }

    /// Forgets the pending link (step 8 done, or the mailbox expired).
    public func clearPendingLink() throws {
        try store.write { db in try db.execute(sql: "DELETE FROM pending_link") }
    }

    /// Writes the roster with `device` added, into the outbox (step 7). Does nothing and
    /// returns false when the roster already lists it with exactly these keys (a resumed
    /// link); refuses an id the roster lists with other keys.
    @discardableResult
    public func addToRoster(_ device: Roster.Device) throws -> Bool {
        guard let roster = try roster() else { throw SyncRefusal.rosterUnavailable("no roster record was pulled") }
        if let member = roster.device(device.id) {
            guard member.signingKey == device.signingKey, member.boxKey == device.boxKey else {
                throw SyncRefusal.rosterUnavailable("the new device's id \(device.id) already belongs to another device of the account")
            }
            return false
        }
        try writeLinkRoster(try roster.adding(device))
        return true
    }

    /// Writes the roster without `device` when it lists it (a link whose mailbox expired
    /// before the reply: devices.md, "Interrupted"). Returns whether it changed anything.
    @discardableResult
    public func removeFromRoster(_ device: DeviceID) throws -> Bool {
        guard device != metadata.device, let roster = try roster(), roster.device(device) != nil else { return false }
        try writeLinkRoster(try roster.removing(device))
        return true
    }

    private func writeLinkRoster(_ roster: Roster) throws {
        try store.write { db in
            var clock = HybridLogicalClock(last: try VaultStore.fetchMetadata(db).clock)
            let record = try seal(payload: roster.encoded(), id: Roster.recordID(account: metadata.account), kind: .roster,
                                  deleted: false, clock: &clock, db)
            try VaultStore.upsert(record, db)
            try VaultStore.updateClock(clock.last, db)
        }
    }
}
