import Foundation
import GRDB
import TwofoldCrypto
import TwofoldProtocol

extension SQLiteRelayStore {
    static let linkNotFound = RelayError(.linkNotFound, "the pairing mailbox is unknown, expired or already collected; start linking again")

    public func openMailbox(_ offer: LinkOffer, collectHash: [UInt8], expiresAtMs: Int64, nowMs: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM mailbox WHERE rendezvous_id = ? AND expires_at_ms <= ?",
                           arguments: [Data(offer.rendezvousID), nowMs])
            try db.execute(sql: """
                INSERT OR IGNORE INTO mailbox (rendezvous_id, device_id, sign_key, box_key, tag, collect_hash, expires_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Data(offer.rendezvousID), Data(offer.device.deviceID.bytes), Data(offer.device.signKey),
                                 Data(offer.device.boxKey), Data(offer.tag), Data(collectHash), expiresAtMs])
            guard db.changesCount == 1 else {
                throw RelayError(.rendezvousTaken, "the rendezvous id is taken; pick a new random one and show a new code")
            }
        }
    }

    static func mailbox(_ row: Row) throws -> LinkMailbox {
        let offer = LinkOffer(rendezvousID: row.bytes("rendezvous_id"),
                              device: DeviceKeys(deviceID: try row.deviceID("device_id"), signKey: row.bytes("sign_key"),
                                                 boxKey: row.bytes("box_key")),
                              tag: row.bytes("tag"))
        var reply: LinkReply?
        if row["reply_account"] as Data? != nil {
            reply = LinkReply(accountID: try row.accountID("reply_account"), epoch: row["reply_epoch"], grant: row.bytes("reply_grant"),
                              tag: row.bytes("reply_tag"),
                              fromDevice: DeviceKeys(deviceID: try row.deviceID("reply_from_device"),
                                                     signKey: row.bytes("reply_from_sign_key"), boxKey: row.bytes("reply_from_box_key")))
        }
        return LinkMailbox(offer: offer, expiresAtMs: row["expires_at_ms"], reply: reply)
    }

    static func liveMailbox(_ db: Database, _ id: [UInt8], nowMs: Int64) throws -> Row? {
        try Row.fetchOne(db, sql: "SELECT * FROM mailbox WHERE rendezvous_id = ? AND expires_at_ms > ?", arguments: [Data(id), nowMs])
    }

    public func mailbox(rendezvousID: [UInt8], nowMs: Int64) async throws -> LinkMailbox? {
        try await pool.read { db in try Self.liveMailbox(db, rendezvousID, nowMs: nowMs).map(Self.mailbox) }
    }

    public func replyToMailbox(rendezvousID: [UInt8], account: AccountID, from device: DeviceID, epoch: Int64,
                               grant: [UInt8], tag: [UInt8], nowMs: Int64) async throws {
        try await pool.write { db in
            // Registering the device, its grant and the reply are one transaction (devices.md, step 8).
            try self.requireActive(db, device: device, account: account)
            let acct = try self.accountRow(db, account)
            guard let row = try Self.liveMailbox(db, rendezvousID, nowMs: nowMs) else { throw Self.linkNotFound }
            let box = try Self.mailbox(row)
            guard box.reply == nil else { throw RelayError(.linkUsed, "the pairing mailbox already has a reply; check GET /v1/account for the new device") }
            try Self.checkEpoch([epoch], account: acct["epoch"])
            try Self.requireNewDevice(db, box.offer.device.deviceID)
            try Self.insertDevice(db, box.offer.device, account: account, nowMs: nowMs)
            try Self.putGrant(db, account: account, grant: GrantEntry(recipient: .device(box.offer.device.deviceID), sealed: grant),
                              epoch: epoch)
            guard let from = try Row.fetchOne(db, sql: "SELECT sign_key, box_key FROM device WHERE id = ?",
                                              arguments: [Data(device.bytes)]) else { throw Self.linkNotFound }
            try db.execute(sql: """
                UPDATE mailbox SET reply_account = ?, reply_epoch = ?, reply_grant = ?, reply_tag = ?, reply_from_device = ?,
                    reply_from_sign_key = ?, reply_from_box_key = ? WHERE rendezvous_id = ?
                """, arguments: [Data(account.bytes), epoch, Data(grant), Data(tag), Data(device.bytes),
                                 from["sign_key"] as Data, from["box_key"] as Data, Data(rendezvousID)])
        }
    }

    public func collectMailbox(rendezvousID: [UInt8], collectHash: [UInt8], nowMs: Int64) async throws -> LinkReply? {
        try await pool.write { db in
            guard let row = try Self.liveMailbox(db, rendezvousID, nowMs: nowMs),
                  ConstantTime.equals(row.bytes("collect_hash"), collectHash) else { throw Self.linkNotFound }
            guard let reply = try Self.mailbox(row).reply else { return nil }
            // Delivered once: the mailbox goes with the delivery [DEV-10].
            try db.execute(sql: "DELETE FROM mailbox WHERE rendezvous_id = ?", arguments: [Data(rendezvousID)])
            return reply
        }
    }
}
