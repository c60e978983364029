import Testing
import TwofoldOTP
import TwofoldProtocol

/// The field merge of concurrent token edits (Protocol/sync.md, "Concurrent edits").
struct TokenMergeTests {
    let base = OTPToken(kind: .totp, secret: Array(1...20), issuer: "Example", account: "alice", tags: ["work"], note: "old")

    @Test func differentFieldsBothSurvive() {
        var mine = base; mine.note = "mine"; mine.tags.append("home")
        var theirs = base; theirs.issuer = "Example Corp"; theirs.tags.append("vpn")
        let outcome = TokenMerge.merge(base: .some(base), mine: mine, theirs: theirs, mineWins: false)
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.merged?.issuer == "Example Corp")
        #expect(outcome.merged?.note == "mine")
        #expect(outcome.merged?.tags == ["work", "vpn", "home"])
    }

    @Test func sameFieldTakesTheNewerSideAndKeepsTheOtherAsAConflict() {
        var mine = base; mine.note = "mine"; mine.issuer = "Mine only"
        var theirs = base; theirs.note = "theirs"
        let older = TokenMerge.merge(base: .some(base), mine: mine, theirs: theirs, mineWins: false)
        #expect(older.conflicts == [.note])
        #expect(older.merged?.note == "theirs" && older.merged?.issuer == "Mine only")
        let newer = TokenMerge.merge(base: .some(base), mine: mine, theirs: theirs, mineWins: true)
        #expect(newer.conflicts == [.note])
        #expect(newer.merged == mine)
    }

    @Test func sameValueOnBothSidesIsNoConflict() {
        var mine = base; mine.note = "same"
        let outcome = TokenMerge.merge(base: .some(base), mine: mine, theirs: mine, mineWins: true)
        #expect(outcome.conflicts.isEmpty)
        #expect(outcome.merged == mine)
    }

    @Test func aRemovedTagStaysRemoved() {
        var mine = base; mine.tags = []
        var theirs = base; theirs.tags = ["work", "new"]
        #expect(TokenMerge.merge(base: .some(base), mine: mine, theirs: theirs, mineWins: false).merged?.tags == ["new"])
    }

    @Test func deleteAgainstEditTakesTheNewerSideAndReportsTheOther() {
        var edited = base; edited.note = "edited"
        for mineWins in [false, true] {
            let deletedHere = TokenMerge.merge(base: .some(base), mine: nil, theirs: edited, mineWins: mineWins)
            #expect(deletedHere.merged == (mineWins ? nil : edited))
            #expect(deletedHere.conflicts == [.deleted])
            let editedHere = TokenMerge.merge(base: .some(base), mine: edited, theirs: nil, mineWins: mineWins)
            #expect(editedHere.merged == (mineWins ? edited : nil))
            #expect(editedHere.conflicts == [.deleted])
        }
        #expect(TokenMerge.merge(base: .some(base), mine: nil, theirs: nil, mineWins: true) == .init(merged: nil, conflicts: []))
        // A side that is still the base changed nothing: the other side stands, no conflict.
        #expect(TokenMerge.merge(base: .some(base), mine: base, theirs: nil, mineWins: true) == .init(merged: nil, conflicts: []))
    }

    @Test func parametersAreNeverSplit() {
        var mine = base; mine.digits = 8
        var theirs = base; theirs.secret = Array(21...40)
        let outcome = TokenMerge.merge(base: .some(base), mine: mine, theirs: theirs, mineWins: false)
        #expect(outcome.conflicts == [.parameters])
        #expect(outcome.merged?.secret == theirs.secret && outcome.merged?.digits == base.digits)
    }

    @Test func withoutABaseEveryDifferenceIsAConflictAndTagsUnite() {
        var mine = base; mine.note = "mine"; mine.tags = ["a"]
        var theirs = base; theirs.issuer = "Other"; theirs.tags = ["b"]
        let outcome = TokenMerge.merge(base: nil, mine: mine, theirs: theirs, mineWins: false)
        #expect(outcome.conflicts == [.issuer, .note])
        #expect(outcome.merged?.issuer == "Other" && outcome.merged?.note == base.note)
        #expect(outcome.merged?.tags == ["b", "a"])
    }
}
