import Foundation
import GRDB
import TwofoldCrypto
import TwofoldOTP
import TwofoldProtocol

extension SyncStore {
    /// True when a pulled token copy meets a local change of the same token made from
    /// another relay copy (Protocol/sync.md, "Concurrent edits"): the local copy is not
    /// the relay's, and the pulled copy is a new relay copy. Whole-record merging would
    /// drop one side; these go through ``mergeConcurrent``, or are held while locked.
    static func isConcurrent(_ pulled: SealedRecord, local: SealedRecord?, relayBefore: RecordHeader?) -> Bool {
        guard pulled.header.kind == .token, let local, local != pulled else { return false }
        return local.header != relayBefore && pulled.header != relayBefore
    }

    /// Merges a local, unpushed change of a token with a newer relay copy `theirs`
    /// (already authenticated) against the relay copy the change was made from:
    /// ``TokenMerge`` decides; a local side that lost is stored as a conflict; a merge
    /// that differs from `theirs` is written as a new local version (this device's
    /// write, pushed like any edit, whose base is now `theirs`). Returns the conflicts found.
    @discardableResult
    static func mergeConcurrent(local: SealedRecord, theirs: SealedRecord, relayBefore: RecordHeader?, keyring: VaultKeyring,
                                clock: inout HybridLogicalClock, nowMilliseconds: UInt64, _ db: Database) throws -> Int {
        let account = local.header.account
        func token(_ record: SealedRecord) throws -> OTPToken? {
            record.header.deleted ? nil : try TokenPayload.decode(try keyring.open(record))
        }
        let mine = try token(local)
        let theirsToken = try token(theirs)
        var base: OTPToken??
        if let stored = try VaultStore.fetchMergeBase(id: local.header.id, account: account, db) {
            base = .some(try token(stored))
        } else if let relayBefore, relayBefore.version == local.header.version, relayBefore.deleted == local.header.deleted {
            // Re-sealed by a rotation, not edited: the local side is the base itself.
            base = .some(mine)
        }
        let mineWins = Merge.wins(local, over: theirs)
        let outcome = TokenMerge.merge(base: base, mine: mine, theirs: theirsToken, mineWins: mineWins)
        if !outcome.conflicts.isEmpty {
            // The losing side is kept sealed as it was; its writer says whose it was.
            try VaultStore.insertConflict(lost: mineWins ? theirs : local, fields: outcome.conflicts,
                                          winner: (mineWins ? local : theirs).header.version,
                                          foundMilliseconds: nowMilliseconds, db)
        }
        if outcome.merged == theirsToken {
            try VaultStore.upsert(theirs, db)
            try VaultStore.forgetMergeBase(id: local.header.id, db)
        } else if mineWins && outcome.merged == mine {
            // The local copy already is the merge and outranks theirs: it stays in the
            // outbox, now made from `theirs`.
            try VaultStore.replaceMergeBase(theirs, db)
        } else {
            let metadata = try VaultStore.fetchMetadata(db)
            guard let key = keyring.key(metadata.currentEpoch) else {
                throw SyncRefusal.epochAhead(local: metadata.currentEpoch, relay: metadata.currentEpoch)
            }
            let header = RecordHeader(
                account: account, id: local.header.id, kind: .token,
                version: RecordVersion(hlc: clock.tick(nowMilliseconds: nowMilliseconds), device: metadata.device),
                epoch: metadata.currentEpoch, deleted: outcome.merged == nil)
            let payload = outcome.merged.map(TokenPayload.encode) ?? []
            try VaultStore.upsert(try RecordCipher.seal(payload: payload, header: header, key: key), db)
            try VaultStore.replaceMergeBase(theirs, db)
        }
        try forgetUnverified(local.header.id, db)
        return outcome.conflicts.count
    }

    /// An unlocked pull first merges the relay copies a locked pull held back, unless
    /// this pull brings a newer relay copy of the same token (which is then merged instead).
    static func mergeHeld(except pulled: Set<RecordID>, keyring: VaultKeyring, clock: inout HybridLogicalClock,
                          nowMilliseconds: UInt64, account: AccountID, _ db: Database) throws -> Int {
        var conflicts = 0
        for held in try VaultStore.fetchHeld(account: account, db) {
            try VaultStore.forgetHeld(id: held.header.id, db)
            guard !pulled.contains(held.header.id) else { continue }
            _ = try keyring.open(held)
            guard let local = try VaultStore.fetchRecord(id: held.header.id, account: account, db) else { continue }
            if local == held { continue }
            conflicts += try mergeConcurrent(local: local, theirs: held, relayBefore: nil, keyring: keyring,
                                             clock: &clock, nowMilliseconds: nowMilliseconds, db)
        }
        return conflicts
    }
}
