import GRDB
import TwofoldOTP
import TwofoldProtocol

extension Vault {
    /// The result of using an HOTP token once.
    public struct HOTPUse: Sendable {
        /// The code for ``counter``.
        public var code: String
        /// The counter the code was made from; never used again on any device that has synced.
        public var counter: UInt64
    }

    /// The next HOTP counter for `token`: the highest of its initial counter and every
    /// device's counter record (Protocol/sync.md, "HOTP counters").
    func nextCounter(for token: TokenEntry, counters: [SealedRecord]) throws(VaultError) -> UInt64 {
        var next = token.token.counter
        for record in counters where !record.header.deleted {
            let payload: CounterPayload
            do {
                payload = try CounterPayload(decoding: try open(record))
            } catch let error as VaultError {
                // A counter we cannot read could hide a used counter: refuse rather than reuse.
                throw error
            } catch {
                throw .corruptRecord(id: record.header.id.hex, reason: String(describing: error))
            }
            if payload.token == token.id { next = max(next, payload.next) }
        }
        return next
    }

    /// Uses the HOTP token `id` once: computes the code for the next counter and records
    /// the advance in this device's counter record, in the same transaction.
    public func useHOTP(id: RecordID) throws(VaultError) -> HOTPUse {
        try store.write { db in
            var clock = HybridLogicalClock(last: try VaultStore.fetchMetadata(db).clock)
            let entries = self.decodeTokens(try VaultStore.fetchRecords(kind: .token, account: self.metadata.account, db)).entries
            guard let entry = entries.first(where: { $0.id == id }) else { throw VaultError.noMatch(query: id.hex) }
            guard entry.token.kind == .hotp else {
                throw VaultError.invalidToken("\(entry.token.label) is not an HOTP token")
            }
            let counters = try VaultStore.fetchRecords(kind: .hotpCounter, account: self.metadata.account, db)
            let counter = try self.nextCounter(for: entry, counters: counters)
            guard counter < UInt64.max else {
                throw VaultError.invalidToken("the HOTP counter of \(entry.token.label) is exhausted: re-enrol the token")
            }
            let payload = CounterPayload(token: id, next: counter + 1)
            let recordID = CounterPayload.recordID(token: id, device: self.metadata.device)
            let record = try self.seal(payload: payload.encoded(), id: recordID, kind: .hotpCounter, deleted: false, clock: &clock, db)
            try VaultStore.upsert(record, db)
            try VaultStore.updateClock(clock.last, db)
            return HOTPUse(code: entry.token.code(counter: counter), counter: counter)
        }
    }

    /// The highest next counter any device's counter record holds, by HOTP token id, in
    /// one pass (`list` on a large vault; ``peekHOTPCounter(id:)`` is for one token). A
    /// counter record that does not open is an error: it could hide a used counter.
    public func recordedHOTPCounters() throws(VaultError) -> [RecordID: UInt64] {
        try store.read { db in
            var next: [RecordID: UInt64] = [:]
            for record in try VaultStore.fetchRecords(kind: .hotpCounter, account: self.metadata.account, db) where !record.header.deleted {
                let payload: CounterPayload
                do {
                    payload = try CounterPayload(decoding: try self.open(record))
                } catch let error as VaultError {
                    throw error
                } catch {
                    throw VaultError.corruptRecord(id: record.header.id.hex, reason: String(describing: error))
                }
                next[payload.token] = max(next[payload.token] ?? 0, payload.next)
            }
            return next
        }
    }

    /// The counter the next `useHOTP` would use, without using it.
    public func peekHOTPCounter(id: RecordID) throws(VaultError) -> UInt64 {
        try store.read { db in
            let entries = self.decodeTokens(try VaultStore.fetchRecords(kind: .token, account: self.metadata.account, db)).entries
            guard let entry = entries.first(where: { $0.id == id }) else { throw VaultError.noMatch(query: id.hex) }
            return try self.nextCounter(for: entry, counters: try VaultStore.fetchRecords(kind: .hotpCounter, account: self.metadata.account, db))
        }
    }
}
