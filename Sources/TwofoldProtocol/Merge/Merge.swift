/// The merge rule (Protocol/sync.md, "Merge rule"): of all copies of one record, the one
/// with the highest stamp wins, on every device and on the relay, whatever order the
/// copies arrive in. The rule is a total order, so replicas that have seen the same copies
/// agree on the same winner.
public enum Merge {
    /// True when `a` wins over `b` (both copies of one record).
    ///
    /// Stamps decide. Equal stamps with different bytes should never occur (it means two
    /// devices share a device id, say a copied home); they are still ordered, by the
    /// sealed bytes compared lexicographically, so replicas converge anyway.
    public static func wins(_ a: SealedRecord, over b: SealedRecord) -> Bool {
        let sa = RecordStamp(a.header), sb = RecordStamp(b.header)
        if sa != sb { return sa > sb }
        if a.header.deleted != b.header.deleted { return a.header.deleted }
        return b.sealed.lexicographicallyPrecedes(a.sealed)
    }

    /// True when two different copies carry the same stamp: a protocol violation a device
    /// should report (two devices sharing one id), though ``wins(_:over:)`` still orders them.
    public static func isCollision(_ a: SealedRecord, _ b: SealedRecord) -> Bool {
        RecordStamp(a.header) == RecordStamp(b.header) && a != b
    }

    /// The winner among copies of one record; nil for none.
    public static func winner(of copies: some Sequence<SealedRecord>) -> SealedRecord? {
        var best: SealedRecord?
        for copy in copies {
            precondition(best == nil || (best!.header.id == copy.header.id && best!.header.account == copy.header.account),
                         "merge compares copies of one record only")
            if let current = best, !wins(copy, over: current) { continue }
            best = copy
        }
        return best
    }

    /// Merges two record sets: for every record id in either, the winning copy. The result
    /// is sorted by record id.
    public static func merge(_ a: some Sequence<SealedRecord>, _ b: some Sequence<SealedRecord>) -> [SealedRecord] {
        var byID: [RecordID: SealedRecord] = [:]
        for record in a { byID[record.header.id] = winner(of: [byID[record.header.id], record].compactMap { $0 }) }
        for record in b { byID[record.header.id] = winner(of: [byID[record.header.id], record].compactMap { $0 }) }
        return byID.values.sorted { $0.header.id < $1.header.id }
    }
}
