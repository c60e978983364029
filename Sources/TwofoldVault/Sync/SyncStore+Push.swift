import GRDB
import TwofoldProtocol

extension SyncStore {
    /// The next outbox batch: at most `limit` writes and about `maxBytes` of sealed bytes,
    /// with the relay set as it will be after them (Protocol/sync.md, "Pushing").
    public func outboxBatch(limit: Int, maxBytes: Int) throws -> OutboxBatch {
        try transaction(write: false) { db in
            guard let state = try VaultStore.fetchSyncState(db) else { throw SyncRefusal.notAttached }
            var writes = try VaultStore.fetchOutbox(account: metadata.account, limit: limit, db)
            var bytes = 0
            if let cut = writes.firstIndex(where: { write in
                bytes += write.record.sealed.count
                return bytes > maxBytes
            }) {
                writes = Array(writes.prefix(max(cut, 1)))
            }
            var set = try VaultStore.fetchRelayHeaders(account: metadata.account, db).mapValues(\.header)
            for write in writes { set[write.record.header.id] = write.record.header }
            let epoch = try VaultStore.fetchMetadata(db).currentEpoch
            return OutboxBatch(writes: writes, setAfter: Array(set.values), previousHead: state.head,
                               epoch: epoch, pendingTotal: try VaultStore.outboxCount(db))
        }
    }

    /// Records that the relay accepted `writes` with `head` (Protocol/sync.md, "Pushing"):
    /// the mirror takes the written versions and their seqs, the head becomes the newest
    /// seen. A local edit made meanwhile stays in the outbox, because its version differs.
    public func recordPush(writes: [SealedRecord], seqs: [RecordID: UInt64], head: SignedHead, seq: UInt64) throws(VaultError) {
        try store.write { db in
            for record in writes {
                try VaultStore.upsertRelay(record.header, seq: seqs[record.header.id] ?? seq, db)
                // The pushed change is the relay's copy now: its merge base is done with.
                if try VaultStore.fetchRecord(id: record.header.id, account: record.header.account, db) == record {
                    try VaultStore.forgetMergeBase(id: record.header.id, db)
                }
            }
            let current = try VaultStore.fetchSyncState(db)?.head
            let newer = current.map { head.head.counter > $0.head.counter } ?? true
            try VaultStore.advance(lastSeq: seq, head: newer ? head : nil, db)
        }
    }
}
