import Foundation
import PostgresNIO
import TwofoldCrypto
import TwofoldProtocol

extension PostgresRelayStore {
    public func openMailbox(_ offer: LinkOffer, collectHash: [UInt8], expiresAtMs: Int64, nowMs: Int64) async throws {
        try await transaction { conn in
            let id = Self.bin(offer.rendezvousID)
            try await conn.query("DELETE FROM mailbox WHERE rendezvous_id = \(id) AND expires_at_ms <= \(nowMs)", logger: self.logger)
            let inserted = try await Self.rows(conn, """
                INSERT INTO mailbox (rendezvous_id, device_id, sign_key, box_key, tag, collect_hash, expires_at_ms)
                VALUES (\(id), \(Self.bin(offer.device.deviceID.bytes)), \(Self.bin(offer.device.signKey)),
                        \(Self.bin(offer.device.boxKey)), \(Self.bin(offer.tag)), \(Self.bin(collectHash)), \(expiresAtMs))
                ON CONFLICT (rendezvous_id) DO NOTHING RETURNING 1 AS one
                """, self.logger)
            guard inserted.count == 1 else {
                throw RelayError(.rendezvousTaken, "the rendezvous id is taken; pick a new random one and show a new code")
            }
        }
    }

    static func mailbox(_ row: PGRow) throws -> LinkMailbox {
        let offer = LinkOffer(rendezvousID: try row.bytes("rendezvous_id"),
                              device: DeviceKeys(deviceID: try row.deviceID("device_id"), signKey: try row.bytes("sign_key"),
                                                 boxKey: try row.bytes("box_key")),
                              tag: try row.bytes("tag"))
        var reply: LinkReply?
        if try row.optionalBytes("reply_account") != nil {
            reply = LinkReply(accountID: try row.accountID("reply_account"), epoch: try row.int("reply_epoch"),
                              grant: try row.bytes("reply_grant"), tag: try row.bytes("reply_tag"),
                              fromDevice: DeviceKeys(deviceID: try row.deviceID("reply_from_device"),
                                                     signKey: try row.bytes("reply_from_sign_key"),
                                                     boxKey: try row.bytes("reply_from_box_key")))
        }
        return LinkMailbox(offer: offer, expiresAtMs: try row.int("expires_at_ms"), reply: reply)
    }

    /// The unexpired mailbox, row-locked for the rest of the transaction when `lock`.
    func liveMailbox(_ conn: PostgresConnection, _ id: [UInt8], nowMs: Int64, lock: Bool) async throws -> PGRow? {
        try await Self.rows(conn, """
            SELECT * FROM mailbox WHERE rendezvous_id = \(Self.bin(id)) AND expires_at_ms > \(nowMs) \(unescaped: lock ? "FOR UPDATE" : "")
            """, logger).first
    }

    public func mailbox(rendezvousID: [UInt8], nowMs: Int64) async throws -> LinkMailbox? {
        try await transaction(readOnly: true) { conn in
            try await self.liveMailbox(conn, rendezvousID, nowMs: nowMs, lock: false).map(Self.mailbox)
        }
    }

    public func replyToMailbox(rendezvousID: [UInt8], account: AccountID, from device: DeviceID, epoch: Int64,
                               grant: [UInt8], tag: [UInt8], nowMs: Int64) async throws {
        do {
            try await transaction { conn in
                // Registering the device, its grant and the reply are one transaction
                // (devices.md, step 8), under the account's and the mailbox's row locks, so two
                // replies through two replicas cannot both land.
                let acct = try await self.lockAccount(conn, account, activeDevice: device)
                guard let row = try await self.liveMailbox(conn, rendezvousID, nowMs: nowMs, lock: true) else { throw SQLiteRelayStore.linkNotFound }
                let box = try Self.mailbox(row)
                guard box.reply == nil else {
                    throw RelayError(.linkUsed, "the pairing mailbox already has a reply; check GET /v1/account for the new device")
                }
                try SQLiteRelayStore.checkEpoch([epoch], account: try acct.int("epoch"))
                try await Self.requireNewDevice(conn, box.offer.device.deviceID, self.logger)
                try await Self.insertDevice(conn, box.offer.device, account: account, nowMs: nowMs, self.logger)
                try await Self.putGrant(conn, account: account, grant: GrantEntry(recipient: .device(box.offer.device.deviceID), sealed: grant),
                                        epoch: epoch, self.logger)
                guard let from = try await Self.rows(conn, "SELECT sign_key, box_key FROM device WHERE id = \(Self.bin(device.bytes))",
                                                     self.logger).first else { throw SQLiteRelayStore.linkNotFound }
                try await conn.query("""
                    UPDATE mailbox SET reply_account = \(Self.bin(account.bytes)), reply_epoch = \(epoch), reply_grant = \(Self.bin(grant)),
                        reply_tag = \(Self.bin(tag)), reply_from_device = \(Self.bin(device.bytes)),
                        reply_from_sign_key = \(Self.bin(try from.bytes("sign_key"))), reply_from_box_key = \(Self.bin(try from.bytes("box_key")))
                    WHERE rendezvous_id = \(Self.bin(rendezvousID))
                    """, logger: self.logger)
            }
        } catch {
            throw Self.mapUnique(error)
        }
    }

    public func collectMailbox(rendezvousID: [UInt8], collectHash: [UInt8], nowMs: Int64) async throws -> LinkReply? {
        try await transaction { conn in
            guard let row = try await self.liveMailbox(conn, rendezvousID, nowMs: nowMs, lock: true),
                  ConstantTime.equals(try row.bytes("collect_hash"), collectHash) else { throw SQLiteRelayStore.linkNotFound }
            guard let reply = try Self.mailbox(row).reply else { return nil }
            // Delivered once: the mailbox goes with the delivery [DEV-10].
            try await conn.query("DELETE FROM mailbox WHERE rendezvous_id = \(Self.bin(rendezvousID))", logger: self.logger)
            return reply
        }
    }
}
