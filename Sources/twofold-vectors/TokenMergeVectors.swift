import TwofoldOTP
import TwofoldProtocol

/// `token-merge/`: the field merge of concurrent token edits (Protocol/sync.md,
/// "Concurrent edits").
///
/// Header: `mine-wins` (1 when the local copy wins the merge rule), `conflicts` (the
/// conflicting fields, comma-separated, or `none`). Data: four lines, `base`, `mine`,
/// `theirs`, `merged`, each `<name> <token payload (hex)>`, or `-` for a deleted token;
/// `base ?` is a base that is not known.
enum TokenMergeVectors: VectorFamily {
    static let directory = "token-merge"
    typealias F = Fixtures

    static let base = OTPToken(kind: .totp, secret: Seed.bytes("token-merge/secret", 20), issuer: "Example",
                               account: "alice@example.com", tags: ["work"], note: "old")

    static func line(_ name: String, _ token: OTPToken?) -> String {
        "\(name) \(token.map { Hex.encode(TokenPayload.encode($0)) } ?? "-")\n"
    }

    static func vector(_ name: String, _ comment: String, base: OTPToken??, mine: OTPToken?, theirs: OTPToken?,
                       mineWins: Bool) -> VectorFile {
        let outcome = TokenMerge.merge(base: base, mine: mine, theirs: theirs, mineWins: mineWins)
        let baseLine = base.map { line("base", $0) } ?? "base ?\n"
        return F.file("\(directory)/\(name)", "success", comment, [
            .init("mine-wins", mineWins ? "1" : "0"),
            .init("conflicts", outcome.conflicts.isEmpty ? "none" : outcome.conflicts.map(\.rawValue).joined(separator: ",")),
        ], data: baseLine + line("mine", mine) + line("theirs", theirs) + line("merged", outcome.merged))
    }

    static func files() -> [VectorFile] {
        var issuer = base; issuer.issuer = "Example Corp"; issuer.tags.append("vpn")
        var note = base; note.note = "from mine"; note.tags.append("home")
        var otherNote = base; otherNote.note = "from theirs"
        var digits = base; digits.digits = 8
        var secret = base; secret.secret = Seed.bytes("token-merge/other-secret", 20)
        var untagged = base; untagged.tags = []
        return [
            vector("different-fields", "issuer on one side, note on the other, a tag on each: all survive",
                   base: .some(base), mine: note, theirs: issuer, mineWins: false),
            vector("same-field-theirs-newer", "both changed the note: the newer copy (theirs) wins, mine is a conflict",
                   base: .some(base), mine: note, theirs: otherNote, mineWins: false),
            vector("same-field-mine-newer", "both changed the note: the newer copy (mine) wins, theirs is a conflict",
                   base: .some(base), mine: note, theirs: otherNote, mineWins: true),
            vector("same-value", "both made the same change: no conflict",
                   base: .some(base), mine: note, theirs: note, mineWins: true),
            vector("tag-removed", "a tag one side removed stays removed; the other side's new tag stays",
                   base: .some(base), mine: untagged, theirs: issuer, mineWins: true),
            vector("parameters-not-split", "digits on one side, secret on the other: one conflict on parameters, the winner's whole",
                   base: .some(base), mine: digits, theirs: secret, mineWins: false),
            vector("delete-older-than-edit", "deleted here, edited there later: the edit stands, the delete is a conflict",
                   base: .some(base), mine: nil, theirs: otherNote, mineWins: false),
            vector("delete-newer-than-edit", "deleted here after the edit there: the delete stands, the edit is a conflict",
                   base: .some(base), mine: nil, theirs: otherNote, mineWins: true),
            vector("edit-against-newer-delete", "edited here, deleted there later: the delete stands, the edit is a conflict",
                   base: .some(base), mine: note, theirs: nil, mineWins: false),
            vector("unchanged-against-delete", "the local side is the base: the delete stands, no conflict",
                   base: .some(base), mine: base, theirs: nil, mineWins: true),
            vector("both-deleted", "deleted on both sides: nothing lost",
                   base: .some(base), mine: nil, theirs: nil, mineWins: true),
            vector("unknown-base", "no base: every difference is a conflict, tags are united",
                   base: nil, mine: note, theirs: issuer, mineWins: false),
        ]
    }
}
