import Testing
import TwofoldProtocol

/// Every file under Protocol/vectors/, checked against the implementation per its
/// `expect:` (Protocol/vectors/README.md).
@Suite struct ProtocolVectorTests {
    @Test func everyFileParsesWithAKnownOutcome() {
        let files = VectorCorpus.all()
        #expect(files.count > 100)
        for file in files {
            #expect(VectorCorpus.outcomes.contains(file.expect), "\(file.path): expect '\(file.expect)'")
            #expect(file["comment"] != nil, "\(file.path): no comment")
        }
    }

    @Test func everyFamilyIsCheckedSomewhere() {
        for family in Set(VectorCorpus.all().map(\.family)) {
            #expect(VectorCheckers.byFamily[family] != nil || VectorCheckers.elsewhere[family] != nil,
                    "no checker for Protocol/vectors/\(family)/: add one to VectorCheckers")
        }
    }

    /// Every success and failure class each family of this target promises.
    @Test func familiesCoverTheirOutcomes() {
        let files = VectorCorpus.checkedHere()
        let outcomes = Dictionary(grouping: files, by: \.family).mapValues { Set($0.map(\.expect)) }
        #expect(outcomes["records"] == ["success", "authentication failure", "parse failure", "unsupported version",
                                        "payload failure", "binding failure"])
        #expect(outcomes["grants"] == ["success", "authentication failure", "parse failure", "binding failure", "unsupported version"])
        #expect(outcomes["recovery"] == ["success", "checksum failure", "word failure"])
        #expect(outcomes["heads"] == ["success", "freshness failure", "digest failure", "roster failure", "signature failure",
                                      "binding failure", "unsupported version", "parse failure"])
        #expect(outcomes["merge"] == ["success"])
        #expect(outcomes["link"] == ["success", "parse failure", "authentication failure"])
        #expect(outcomes["backups"] == ["success", "authentication failure", "parse failure", "unsupported version", "binding failure"])
    }

    @Test(arguments: VectorCorpus.checkedHere())
    func vector(_ file: VectorFile) throws {
        let check = try #require(VectorCheckers.byFamily[file.family])
        let outcome = try check(file)
        #expect(outcome == file.expect, "\(file.path): \(file["comment"] ?? "")")
    }
}

/// Which function checks which family.
enum VectorCheckers {
    typealias Check = @Sendable (VectorFile) throws -> String

    static let byFamily: [String: Check] = [
        "records": RecordVectorChecks.check,
        "grants": GrantVectorChecks.check,
        "recovery": RecoveryVectorChecks.check,
        "passphrase": RecoveryVectorChecks.checkPassphrase,
        "local": LocalKeyVectorChecks.check,
        "roster": RosterVectorChecks.check,
        "heads": HeadVectorChecks.check,
        "snapshots": SnapshotVectorChecks.check,
        "backups": BackupVectorChecks.check,
        "merge": MergeVectorChecks.check,
        "hlc": MergeVectorChecks.checkClock,
        "token-merge": TokenMergeVectorChecks.check,
        "link": LinkVectorChecks.check,
    ]

    /// Families whose files another suite checks.
    static let elsewhere: [String: String] = [
        "auth": "TwofoldProtocolTests/AuthVectorTests",
        "otp": "TwofoldOTPTests",
        "otpauth": "TwofoldOTPTests",
    ]
}

extension VectorFile: CustomTestStringConvertible {
    public var testDescription: String { path }
}
