import Foundation
import GRDB
import TwofoldOTP
import TwofoldProtocol

extension Vault {
    /// Every readable token, sorted by issuer then account; damaged records are reported
    /// beside them and never used.
    public func tokens() throws(VaultError) -> TokenListing {
        let records = try store.read { db in try VaultStore.fetchRecords(kind: .token, account: metadata.account, db) }
        return decodeTokens(records)
    }

    func decodeTokens(_ records: [SealedRecord]) -> TokenListing {
        var entries: [TokenEntry] = []
        var damaged: [VaultError] = []
        entries.reserveCapacity(records.count)
        for record in records where !record.header.deleted {
            do {
                let payload = try open(record)
                let token = try TokenPayload.decode(payload)
                entries.append(TokenEntry(id: record.header.id, version: record.header.version, token: token))
            } catch let error as VaultError {
                damaged.append(error)
            } catch {
                damaged.append(.corruptRecord(id: record.header.id.hex, reason: String(describing: error)))
            }
        }
        // Sort keys are computed once per entry, not once per comparison.
        let keyed = entries.map { (issuer: $0.token.issuer.lowercased(), account: $0.token.account.lowercased(), entry: $0) }
        let sorted = keyed.sorted { ($0.issuer, $0.account, $0.entry.id) < ($1.issuer, $1.account, $1.entry.id) }
        return TokenListing(entries: sorted.map(\.entry), damaged: damaged)
    }

    /// The one token `query` names (``TokenQuery``), found by streaming through the
    /// records and fully decoding only the candidates: `twofold code` on a large vault
    /// stays fast and small. With `tags`, only tokens carrying every one of them
    /// (case-insensitive) count, so `code vpn --tag work` picks the work VPN.
    public func find(_ query: String, tags: [String] = []) throws(VaultError) -> TokenEntry {
        let needle = query.trimmingCharacters(in: .whitespaces).lowercased()
        // Only a needle of 8+ hex digits can name an id: skip hex-encoding every id otherwise.
        let mayBeID = needle.utf8.count >= 8 && needle.utf8.allSatisfy { $0 < 0x80 && Character(Unicode.Scalar($0)).isHexDigit }
        var candidates: [TokenEntry] = []
        var firstError: VaultError?
        try store.read { db in
            try VaultStore.forEachRecord(kind: .token, account: self.metadata.account, db) { record in
                guard !record.header.deleted else { return }
                do {
                    let payload = try self.open(record)
                    let labels = try TokenPayload.decodeLabels(payload)
                    let idMatches = mayBeID && record.header.id.hex.hasPrefix(needle)
                    guard idMatches || LabelMatch.contains("\(labels.issuer):\(labels.account)".lowercased(), needle) else { return }
                    let token = try TokenPayload.decode(payload)
                    guard TokenEntry.hasTags(token, tags) else { return }
                    candidates.append(TokenEntry(id: record.header.id, version: record.header.version, token: token))
                } catch let error as VaultError {
                    firstError = firstError ?? error
                } catch {
                    firstError = firstError ?? .corruptRecord(id: record.header.id.hex, reason: String(describing: error))
                }
            }
        }
        do {
            return try TokenQuery.resolve(query, in: candidates)
        } catch .noMatch(let q) where firstError != nil {
            // The token may be the damaged record: say so rather than "no match".
            throw firstError ?? .noMatch(query: q)
        } catch .noMatch(let q) where !tags.isEmpty {
            throw .noMatch(query: q + "' with tag '" + tags.joined(separator: "' and '"))
        }
    }

    /// Adds one token. Refuses an invalid token and a duplicate (same secret and
    /// parameters as a token already in the vault), changing nothing.
    @discardableResult
    public func add(_ token: OTPToken) throws(VaultError) -> TokenEntry {
        let result = try add([token], skipDuplicates: false)
        return result.added[0]
    }

    /// What ``add(_:skipDuplicates:)`` did.
    public struct AddResult: Sendable {
        /// Tokens added, in input order.
        public var added: [TokenEntry]
        /// Input tokens skipped because the vault (or an earlier input) already had them.
        public var duplicates: [OTPToken]
    }

    /// Adds tokens in one transaction: all of them or, on any error, none. Duplicates
    /// either throw (`skipDuplicates == false`) or are skipped and reported.
    public func add(_ tokens: [OTPToken], skipDuplicates: Bool) throws(VaultError) -> AddResult {
        for token in tokens {
            do { try token.validate() } catch { throw .invalidToken(error.description) }
        }
        return try store.write { db in
            var clock = HybridLogicalClock(last: try VaultStore.fetchMetadata(db).clock)
            // Tokens that generate the same codes share a secret, so bucketing by secret
            // keeps a 10,000-token import linear instead of comparing every pair.
            var existing = Dictionary(grouping: self.decodeTokens(
                try VaultStore.fetchRecords(kind: .token, account: self.metadata.account, db)).entries, by: \.token.secret)
            var result = AddResult(added: [], duplicates: [])
            for token in tokens {
                if let twin = existing[token.secret]?.first(where: { $0.token.generatesSameCodes(as: token) }) {
                    if skipDuplicates { result.duplicates.append(token); continue }
                    throw VaultError.duplicate(label: twin.token.label, id: twin.id.hex)
                }
                let id = RecordID.random()
                let record = try self.seal(payload: TokenPayload.encode(token), id: id, kind: .token, deleted: false, clock: &clock, db)
                try VaultStore.upsert(record, db)
                let entry = TokenEntry(id: id, version: record.header.version, token: token)
                existing[token.secret, default: []].append(entry)
                result.added.append(entry)
            }
            try VaultStore.updateClock(clock.last, db)
            return result
        }
    }

    /// Replaces the token `id` with `change(token)` as a new version.
    @discardableResult
    public func edit(id: RecordID, _ change: (inout OTPToken) -> Void) throws(VaultError) -> TokenEntry {
        try store.write { db in
            var clock = HybridLogicalClock(last: try VaultStore.fetchMetadata(db).clock)
            let entries = self.decodeTokens(try VaultStore.fetchRecords(kind: .token, account: self.metadata.account, db)).entries
            guard var entry = entries.first(where: { $0.id == id }) else { throw VaultError.noMatch(query: id.hex) }
            change(&entry.token)
            do { try entry.token.validate() } catch { throw VaultError.invalidToken(String(describing: error)) }
            let record = try self.seal(payload: TokenPayload.encode(entry.token), id: id, kind: .token, deleted: false, clock: &clock, db)
            try VaultStore.keepMergeBase(id: id, account: self.metadata.account, db)
            try VaultStore.upsert(record, db)
            try VaultStore.updateClock(clock.last, db)
            entry.version = record.header.version
            return entry
        }
    }

    /// Deletes the token `id`: its record becomes a tombstone, which syncs like an edit
    /// (Protocol/sync.md, "Tombstones").
    public func remove(id: RecordID) throws(VaultError) {
        try store.write { db in
            var clock = HybridLogicalClock(last: try VaultStore.fetchMetadata(db).clock)
            let records = try VaultStore.fetchRecords(kind: .token, account: self.metadata.account, db)
            guard records.contains(where: { $0.header.id == id && !$0.header.deleted }) else {
                throw VaultError.noMatch(query: id.hex)
            }
            let tombstone = try self.seal(payload: [], id: id, kind: .token, deleted: true, clock: &clock, db)
            try VaultStore.keepMergeBase(id: id, account: self.metadata.account, db)
            try VaultStore.upsert(tombstone, db)
            try VaultStore.updateClock(clock.last, db)
        }
    }
}
