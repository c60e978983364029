// twofold-vectors: rebuilds every generated family under Protocol/vectors/
// (Protocol/vectors/README.md). Deterministic: run it twice, `git diff` stays empty.
//
//     swift run twofold-vectors [output-directory]     (default: Protocol/vectors)

let families: [any VectorFamily.Type] = [
    RecordVectors.self,
    GrantVectors.self,
    RecoveryVectors.self,
    PassphraseVectors.self,
    LocalKeyVectors.self,
    RosterVectors.self,
    HeadVectors.self,
    SnapshotVectors.self,
    BackupVectors.self,
    MergeVectors.self,
    TokenMergeVectors.self,
    HLCVectors.self,
    AuthVectors.self,
    LinkVectors.self,
]

let root = CommandLine.arguments.dropFirst().first ?? "Protocol/vectors"
let count = try VectorWriter.write(families, under: root)
print("twofold-vectors: wrote \(count) files in \(families.count) families under \(root)")
