import TwofoldOTP

/// The field merge of a token (Protocol/sync.md, "Concurrent edits"): a device whose
/// unpushed change of a token meets a newer relay copy of it merges the two against the
/// relay copy it changed (the base), field by field, instead of dropping one whole edit.
///
/// The rule: a field only one side changed takes that side's value; `tags` merge as a
/// set (every tag either side added, minus every tag either side removed); a field both
/// sides changed to different values takes the value of the side the merge rule picks
/// (the higher stamp, "Merge rule"), and the other side is kept as a conflict. A delete
/// meeting an edit is the same rule on the whole token: the newer side wins and the
/// other is kept as a conflict, so nothing is revived or lost without a word. `nil` is
/// a deleted token.
public enum TokenMerge {
    /// A field the merge compares. `parameters` is the code itself (kind, secret,
    /// algorithm, digits, period, counter), never split: a secret from one edit with
    /// digits from another would make codes neither side ever had.
    public enum Field: String, Sendable, CaseIterable, Comparable {
        case deleted, parameters, issuer, account, note

        /// Declaration order.
        public static func < (a: Field, b: Field) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// What a merge gives: the token every device will hold (nil: deleted) and the
    /// fields whose local value lost (empty when the merge lost nothing).
    public struct Outcome: Sendable, Equatable {
        /// The merged token; nil for a tombstone.
        public var merged: OTPToken?
        /// Fields whose local value was set aside, sorted.
        public var conflicts: [Field]

        /// Creates an outcome.
        public init(merged: OTPToken?, conflicts: [Field]) {
            self.merged = merged
            self.conflicts = conflicts
        }
    }

    /// Merges `mine` (the local, unpushed side) and `theirs` (the newer relay copy)
    /// against `base`, the relay copy `mine` was made from; `base` nil means it is not
    /// known (an edit made before this rule existed), and then every field that differs
    /// counts as changed on both sides. `mineWins` is the merge rule's verdict on the
    /// two whole copies (``Merge/wins(_:over:)``): it decides every field both changed.
    public static func merge(base: OTPToken??, mine: OTPToken?, theirs: OTPToken?, mineWins: Bool) -> Outcome {
        guard let mine, let theirs else {
            // Delete against delete loses nothing. Delete against an edit: the side the
            // base already was changed nothing, so the other side stands; otherwise the
            // newer side wins and the other is a conflict.
            if mine == nil && theirs == nil { return Outcome(merged: nil, conflicts: []) }
            if let base, base == mine { return Outcome(merged: theirs, conflicts: []) }
            if let base, base == theirs { return Outcome(merged: mine, conflicts: []) }
            return Outcome(merged: mineWins ? mine : theirs, conflicts: [.deleted])
        }
        let known: OTPToken? = base ?? nil
        var merged = mineWins ? mine : theirs
        let loser = mineWins ? theirs : mine
        var conflicts: [Field] = []
        func take<V: Equatable>(_ field: Field, _ get: (OTPToken) -> V, _ set: (inout OTPToken, OTPToken) -> Void) {
            guard !equal(get(mine), get(theirs)) else { return }
            let mineChanged = known.map { !equal(get($0), get(mine)) } ?? true
            let theirsChanged = known.map { !equal(get($0), get(theirs)) } ?? true
            if mineChanged && theirsChanged {
                conflicts.append(field)
            } else if mineWins ? theirsChanged : mineChanged {
                set(&merged, loser)  // only the losing side changed it: its value stands
            }
        }
        take(.parameters, Parameters.init) { target, source in
            target.kind = source.kind; target.secret = source.secret; target.algorithm = source.algorithm
            target.digits = source.digits; target.period = source.period; target.counter = source.counter
        }
        take(.issuer, \.issuer) { $0.issuer = $1.issuer }
        take(.account, \.account) { $0.account = $1.account }
        take(.note, \.note) { $0.note = $1.note }
        merged.tags = mergeTags(base: known?.tags, mine: mine.tags, theirs: theirs.tags)
        return Outcome(merged: merged, conflicts: conflicts)
    }

    /// Tags as a set: kept unless a side removed it, added when a side added it. Without
    /// a base, the union (a tag is never dropped on a guess). Order: theirs, then mine's new.
    public static func mergeTags(base: [String]?, mine: [String], theirs: [String]) -> [String] {
        let base = Set(base ?? [])
        let removed = base.subtracting(mine).union(base.subtracting(theirs))
        var out: [String] = []
        for tag in theirs + mine where !removed.contains(tag) && !out.contains(tag) { out.append(tag) }
        return out
    }

    private static func equal<T: Equatable>(_ a: T, _ b: T) -> Bool { a == b }

    private struct Parameters: Equatable {
        var kind: OTPKind, secret: [UInt8], algorithm: OTPAlgorithm, digits: Int, period: Int, counter: UInt64
        init(_ t: OTPToken) {
            kind = t.kind; secret = t.secret; algorithm = t.algorithm; digits = t.digits; period = t.period; counter = t.counter
        }
    }
}
