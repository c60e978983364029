import Foundation
import GRDB
import TwofoldOTP
import TwofoldProtocol

/// A side a merge set aside (Protocol/sync.md, "Concurrent edits"): both this device
/// and another changed `fields` of one token; the newer side won, the other is kept here.
public struct TokenConflict: Sendable, Equatable {
    /// The conflict's number, for `twofold conflicts resolve`.
    public var id: Int64
    /// The token it concerns.
    public var tokenID: RecordID
    /// The fields both sides changed; `.deleted` when one side deleted the token.
    public var fields: [TokenMerge.Field]
    /// This device's side (nil: deleted here).
    public var mine: OTPToken?
    /// The other device's side (nil: deleted there).
    public var theirs: OTPToken?
    /// Who wrote each side, and when (HLC, device).
    public var mineVersion: RecordVersion
    public var theirsVersion: RecordVersion
    /// True when this device's side lost (the token now holds the other's values).
    public var mineLost: Bool
    /// The token as it is now (nil: deleted).
    public var current: OTPToken?
    /// When the merge found it (Unix ms).
    public var foundMilliseconds: UInt64
}

extension Vault {
    /// The conflicts waiting, oldest first.
    public func conflicts() throws(VaultError) -> [TokenConflict] {
        try store.read { db in
            try VaultStore.fetchConflicts(account: self.metadata.account, db).map { row in try self.describe(row, db) }
        }
    }

    /// Settles conflict `id`: `keepMine` writes this device's side back (the fields that
    /// lost, or the whole token when a delete met an edit) as a new version that syncs
    /// like any edit; otherwise the winning side stays. The conflict is forgotten either way.
    @discardableResult
    public func resolveConflict(_ id: Int64, keepMine: Bool) throws(VaultError) -> TokenConflict {
        try store.write { db in
            guard let row = try VaultStore.fetchConflicts(account: self.metadata.account, db).first(where: { $0.id == id }) else {
                throw VaultError.noMatch(query: "conflict \(id)")
            }
            let conflict = try self.describe(row, db)
            try VaultStore.deleteConflict(id, db)
            guard keepMine else { return conflict }
            // Keeping the side that won changes nothing; keeping the side that lost writes
            // its values of the conflicting fields (or its whole token) back.
            guard keepMine == conflict.mineLost else { return conflict }
            let lost = conflict.mineLost ? conflict.mine : conflict.theirs
            var result = conflict.current
            if row.fields.contains(.deleted) {
                result = lost
            } else if var merged = conflict.current, let lost {
                for field in row.fields {
                    switch field {
                    case .issuer: merged.issuer = lost.issuer
                    case .account: merged.account = lost.account
                    case .note: merged.note = lost.note
                    case .parameters:
                        merged.kind = lost.kind; merged.secret = lost.secret; merged.algorithm = lost.algorithm
                        merged.digits = lost.digits; merged.period = lost.period; merged.counter = lost.counter
                    case .deleted: break
                    }
                }
                result = merged
            }
            guard result != conflict.current else { return conflict }
            var clock = HybridLogicalClock(last: try VaultStore.fetchMetadata(db).clock)
            let record = try self.seal(payload: result.map(TokenPayload.encode) ?? [], id: row.lost.header.id, kind: .token,
                                       deleted: result == nil, clock: &clock, db)
            try VaultStore.keepMergeBase(id: row.lost.header.id, account: self.metadata.account, db)
            try VaultStore.upsert(record, db)
            try VaultStore.updateClock(clock.last, db)
            return conflict
        }
    }

    private func describe(_ row: ConflictRow, _ db: Database) throws -> TokenConflict {
        func token(_ record: SealedRecord?) throws -> OTPToken? {
            guard let record, !record.header.deleted else { return nil }
            return try TokenPayload.decode(try self.open(record))
        }
        let current = try VaultStore.fetchRecord(id: row.lost.header.id, account: metadata.account, db)
        let lost = try token(row.lost)
        let now = try token(current)
        let mineLost = row.lost.header.version.device == metadata.device
        // The winning side's values of the conflicting fields are the current token's
        // (unless edited since): that is what keeping the winner keeps.
        return TokenConflict(
            id: row.id, tokenID: row.lost.header.id, fields: row.fields,
            mine: mineLost ? lost : now, theirs: mineLost ? now : lost,
            mineVersion: mineLost ? row.lost.header.version : row.winner,
            theirsVersion: mineLost ? row.winner : row.lost.header.version,
            mineLost: mineLost, current: now, foundMilliseconds: row.foundMilliseconds)
    }
}

extension SyncStore {
    /// Conflicts waiting to be settled (``Vault/conflicts()``), counted without the key.
    public func conflictCount() throws(VaultError) -> Int {
        try store.read { try VaultStore.conflictCount($0) }
    }

    /// Relay copies a locked pull held back beside a local change, waiting for an unlocked merge.
    public func heldCount() throws(VaultError) -> Int {
        try store.read { try VaultStore.heldCount($0) }
    }
}
