import Foundation
import GRDB
import TwofoldCrypto
import TwofoldProtocol

extension SyncStore {
    /// Applies a pull in one transaction, or nothing (Protocol/sync.md, "Applying a pull"):
    ///
    /// 1. the relay mirror takes every pulled record (the newest seq of each id), refusing
    ///    a copy older than the one it holds ([SYN-8]);
    /// 2. the head is checked: signer in the roster, signature, not older than the newest
    ///    seen, no fork, and the mirrored set matches its count and digest ([DEV-3]);
    /// 3. with `keyring` (unlocked), every pulled record must authenticate, HOTP counter
    ///    records must be their writer's own, and the roster must list this device when
    ///    `checkMembership` ([DEV-4]); a record that fails is never applied;
    /// 4. each pulled record replaces the local copy when it wins the merge rule
    ///    (`Merge.wins`); a local change that wins stays in the outbox, except a roster
    ///    edit made from a relay copy that has since changed ([SYN-21]);
    /// 5. the clock observes every pulled version; `last_seq` and the head move forward;
    /// 7. locked, every copy merged is noted as unverified; unlocked, an unverified copy
    ///    that does not open is replaced by the pulled copy of the same version
    ///    (``refetchPoint(keyring:)`` makes the relay serve it again).
    ///
    /// Throws `ProtocolError` for a refused head or record, ``SyncRefusal`` for a device
    /// that cannot go on, ``VaultError`` for storage failures. Nothing is written then.
    @discardableResult
    public func applyPull(_ pull: PulledSet, keyring: VaultKeyring?, checkMembership: Bool = true) throws -> PullOutcome {
        let account = metadata.account
        let device = metadata.device
        let ownKey = try signingKey().publicKey
        return try transaction(write: true) { db in
            guard let state = try VaultStore.fetchSyncState(db) else { throw SyncRefusal.notAttached }
            let currentEpoch = try VaultStore.fetchMetadata(db).currentEpoch
            // Without the key of the relay's epoch (another device rotated, or another
            // process of this one did and this keyring predates it), nothing can be checked:
            // the caller takes the key from this device's grant and pulls again.
            if keyring.map({ $0.key(pull.epoch) == nil }) ?? (pull.epoch > currentEpoch) {
                throw SyncRefusal.epochAhead(local: currentEpoch, relay: pull.epoch)
            }

            // 1. The newest copy of each pulled record, and the mirror after the pull.
            var latest: [RecordID: PulledRecord] = [:]
            for pulled in pull.records {
                guard pulled.record.header.account == account else {
                    throw ProtocolError.bindingMismatch(what: "record \(pulled.record.header.id)", reason: "it belongs to another account")
                }
                if let seen = latest[pulled.record.header.id], seen.seq >= pulled.seq { continue }
                latest[pulled.record.header.id] = pulled
            }
            // [SYN-8]: the mirror refuses a copy older than the one it holds (a replay).
            let relayBefore = try VaultStore.fetchRelayHeaders(account: account, db)
            var mirror = RelayMirror(account: account, records: Array(relayBefore.values.map(\.header)))
            for pulled in latest.values.sorted(by: { $0.seq < $1.seq }) { try mirror.apply(pulled.record.header) }

            // 2–3. Who may sign heads: the roster (opened when unlocked), else the cached signers.
            // The head covers the relay's set, so its signer is checked against the relay's
            // roster: the pulled copy, else the local copy when it is the relay's. A local
            // roster edit not yet pushed is not the relay's roster (a device it removes may
            // have signed the head): then the signers cached from the relay's roster count
            // too, and the cache is kept as it is.
            var signers = try VaultStore.fetchSigners(db)
            var roster: Roster?
            let rosterID = Roster.recordID(account: account)
            var rosterIsRelays = true
            if let keyring {
                roster = try openRoster(latest: latest, keyring: keyring, db)
                if latest[rosterID] == nil, let local = try VaultStore.fetchRecord(id: rosterID, account: account, db) {
                    rosterIsRelays = local.header == relayBefore[rosterID]?.header
                }
                if let roster {
                    if rosterIsRelays { signers = roster.signingKeys } else { signers.merge(roster.signingKeys) { cached, _ in cached } }
                }
            }
            signers[device] = ownKey
            try verifyHead(pull, set: mirror.headers, signers: signers, seen: state.head, locked: keyring == nil)
            if let keyring {
                for pulled in latest.values { try authenticate(pulled.record, keyring: keyring) }
                if checkMembership, let roster, roster.device(device) == nil { throw SyncRefusal.removedFromRoster }
            }

            // 4–5. Merge and store.
            var outcome = PullOutcome(updated: 0, keptLocal: 0, authenticated: keyring != nil)
            var clock = HybridLogicalClock(last: try VaultStore.fetchMetadata(db).clock)
            let nowMs = UInt64(Date().timeIntervalSince1970 * 1000)
            if let keyring {
                outcome.conflicts += try Self.mergeHeld(except: Set(latest.keys), keyring: keyring, clock: &clock,
                                                        nowMilliseconds: nowMs, account: account, db)
            }
            for pulled in latest.values.sorted(by: { $0.seq < $1.seq }) {
                let id = pulled.record.header.id
                let local = try VaultStore.fetchRecord(id: id, account: account, db)
                // "Concurrent edits": a local change meeting a new relay copy is merged
                // field by field, or, locked, held with the local change unpushed.
                if Self.isConcurrent(pulled.record, local: local, relayBefore: relayBefore[id]?.header), let local {
                    if let keyring {
                        outcome.conflicts += try Self.mergeConcurrent(
                            local: local, theirs: pulled.record, relayBefore: relayBefore[id]?.header, keyring: keyring,
                            clock: &clock, nowMilliseconds: nowMs, db)
                        outcome.merged += 1
                    } else {
                        try VaultStore.hold(pulled.record, db)
                        outcome.held += 1
                    }
                    try VaultStore.upsertRelay(pulled.record.header, seq: pulled.seq, db)
                    clock.observe(pulled.record.header.version.hlc)
                    continue
                }
                if let local, !Merge.wins(pulled.record, over: local),
                   !(try repairs(local, with: pulled.record, keyring: keyring, db)),
                   !Self.supersedesRosterEdit(pulled.record, local: local, relayBefore: relayBefore[id]?.header) {
                    if local != pulled.record { outcome.keptLocal += 1 }
                } else {
                    try VaultStore.upsert(pulled.record, db)
                    try VaultStore.forgetMergeBase(id: id, db)
                    outcome.updated += 1
                    // 7. Locked, the copy was merged unopened: the next unlocked sync opens it.
                    if keyring == nil { try Self.markUnverified(id, db) } else { try Self.forgetUnverified(id, db) }
                }
                try VaultStore.upsertRelay(pulled.record.header, seq: pulled.seq, db)
                clock.observe(pulled.record.header.version.hlc)
            }
            try VaultStore.updateClock(clock.last, db)
            try VaultStore.advance(lastSeq: pull.latestSeq, head: pull.head, db)
            if let roster, rosterIsRelays { try VaultStore.replaceSigners(roster.signingKeys, db) }
            return outcome
        }
    }

    /// Step 7: a copy merged while locked that does not open is replaced by the relay's
    /// copy of the same version once that one opens (it was authenticated in step 3), so
    /// a copy the relay damaged is repaired when the relay serves the good one again.
    private func repairs(_ local: SealedRecord, with pulled: SealedRecord, keyring: VaultKeyring?, _ db: Database) throws -> Bool {
        guard let keyring, local.header == pulled.header, local.sealed != pulled.sealed,
              keyring.key(local.header.epoch) != nil, try Self.isUnverified(local.header.id, db) else { return false }
        return (try? keyring.open(local)) == nil
    }

    /// [SYN-21]: the roster changes only by compare-and-swap from the relay's copy. A new
    /// relay copy of the roster (another than the one mirrored) replaces a local roster edit
    /// that has not been pushed, even one the merge rule would keep: that edit was made
    /// from a copy that is no longer current, so keeping it would drop the other device's
    /// change (two devices linking at once would lose one of the new devices). The flow
    /// that made the edit finds its change missing and makes it again from the new copy
    /// (`LinkApproval`, `Restore`).
    static func supersedesRosterEdit(_ pulled: SealedRecord, local: SealedRecord, relayBefore: RecordHeader?) -> Bool {
        pulled.header.kind == .roster && local.header != relayBefore && pulled.header != relayBefore
    }

    /// The roster the pull leaves: the pulled copy if one came, else the local copy.
    private func openRoster(latest: [RecordID: PulledRecord], keyring: VaultKeyring, _ db: Database) throws -> Roster? {
        let id = Roster.recordID(account: metadata.account)
        guard let record = try latest[id]?.record ?? VaultStore.fetchRecord(id: id, account: metadata.account, db),
              let key = keyring.key(record.header.epoch)
        else { return nil }
        return try Roster.open(record, key: key)
    }

    private func verifyHead(_ pull: PulledSet, set: [RecordHeader], signers: [DeviceID: [UInt8]],
                            seen: SignedHead?, locked: Bool) throws {
        guard let head = pull.head else {
            // No head yet: only an account nobody has pushed to, and never after one was seen.
            if let seen { throw ProtocolError.staleHead(seen: seen.head.counter, received: 0) }
            guard set.isEmpty else { throw ProtocolError.headMismatch(reason: "\(set.count) records but no head") }
            return
        }
        let verifier = HeadVerifier(account: metadata.account, signers: signers, highestSeen: seen)
        do {
            try verifier.verifyHead(head)
        } catch {
            if case .unknownSigner(let signer) = error, locked {
                throw SyncRefusal.unlockRequired("the relay's head is signed by device \(signer), which this device has not seen in the roster yet")
            }
            throw error
        }
        try verifier.verifySet(head, records: set)
    }

    /// A pulled record must open under its epoch's key; counter and roster records must
    /// also be bound to their id (Protocol/sync.md, "HOTP counters"; crypto.md, "Roster").
    private func authenticate(_ record: SealedRecord, keyring: VaultKeyring) throws {
        let payload = try keyring.open(record)
        guard !record.header.deleted else { return }
        switch record.header.kind {
        case .hotpCounter:
            try HOTPCounter.check(record.header, try CounterPayload(decoding: payload))
        case .roster:
            guard record.header.id == Roster.recordID(account: metadata.account) else {
                throw ProtocolError.bindingMismatch(what: "roster record \(record.header.id)", reason: "a roster lives only at the account's roster id")
            }
        case .token:
            break
        }
    }
}
