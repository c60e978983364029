import Foundation
import GRDB
import TwofoldCrypto
import TwofoldProtocol

extension Vault {
    /// Seals every record of the vault — tokens, tombstones, HOTP counters, the roster —
    /// into one snapshot under the current epoch (Protocol/crypto.md, "Snapshot";
    /// Protocol/sync.md, "Snapshots"). A record of an older epoch is re-sealed under the
    /// current one with its version unchanged ([CRY-18]).
    public func sealSnapshot(id: SnapshotID, createdMilliseconds: UInt64) throws -> [UInt8] {
        let header = SnapshotHeader(id: id, epoch: metadata.currentEpoch, createdMilliseconds: createdMilliseconds)
        return try SnapshotCipher.seal(try recordsOfCurrentEpoch(), header: header, account: metadata.account, key: currentKey)
    }

    /// Opens a snapshot of this vault's account with the key of the epoch it names.
    public func openSnapshot(_ sealed: [UInt8]) throws -> (header: SnapshotHeader, records: [SealedRecord]) {
        let header = try SnapshotHeader(decoding: sealed)
        guard let key = keys[header.epoch] else {
            throw VaultError.corruptRecord(id: "snapshot \(header.id)", reason: "sealed under epoch \(header.epoch), whose key this device does not hold")
        }
        return try SnapshotCipher.open(sealed, account: metadata.account, key: key)
    }

    /// Brings the tokens of a snapshot back as new edits (Protocol/sync.md, "Snapshots",
    /// "Restoring"): every live token of the snapshot whose content differs from the vault's
    /// copy (absent, deleted or changed) is written as a new version under the current
    /// epoch, in one transaction; tokens created after the snapshot stay. Neither the roster
    /// nor any HOTP counter record is ever written from a snapshot ([SYN-17]). Returns the
    /// number of tokens written.
    @discardableResult
    public func restoreSnapshot(_ records: [SealedRecord]) throws -> Int {
        var wanted: [(id: RecordID, payload: [UInt8])] = []
        for record in records where record.header.kind == .token && !record.header.deleted {
            wanted.append((record.header.id, try open(record)))
        }
        return try store.write { db in
            var clock = HybridLogicalClock(last: try VaultStore.fetchMetadata(db).clock)
            var written = 0
            for (id, payload) in wanted {
                if let current = try VaultStore.fetchRecord(id: id, account: self.metadata.account, db),
                   !current.header.deleted, (try? self.open(current)) == payload {
                    continue
                }
                let record = try self.seal(payload: payload, id: id, kind: .token, deleted: false, clock: &clock, db)
                try VaultStore.upsert(record, db)
                written += 1
            }
            try VaultStore.updateClock(clock.last, db)
            return written
        }
    }
}
