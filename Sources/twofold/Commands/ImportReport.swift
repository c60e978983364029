import Foundation
import TwofoldImport

/// What an import did (or, with `--dry-run`, would do), printed as the summary.
struct ImportReport {
    var format: ImportFormat
    var failures: [ImportFailure]
    var dryRun: Bool
    var added = 0
    var duplicates = 0
    /// Entries holding no token (KeePass password-only entries): skipped, not failures.
    var withoutToken = 0

    init(format: ImportFormat, failures: [ImportFailure], dryRun: Bool) {
        self.format = format
        self.failures = failures
        self.dryRun = dryRun
    }

    /// `{"format","added","duplicates","without_token","failed":[{"entry","reason"}],"dry_run"}`, or lines of text.
    func print(json: Bool, source: String) throws {
        if json {
            try JSONOutput.print([
                "format": format.rawValue, "added": added, "duplicates": duplicates, "without_token": withoutToken, "dry_run": dryRun,
                "failed": failures.map { ["entry": $0.entry.description, "reason": $0.reason] },
            ])
            return
        }
        let name = source == "-" ? "standard input" : source
        var counts = "\(added) \(dryRun ? "would be added" : "added"), \(duplicates) skipped as duplicates, \(failures.count) failed"
        if withoutToken > 0 { counts += ", \(withoutToken) without a token skipped" }
        Swift.print(dryRun
            ? "Dry run, nothing was changed: \(name) (\(format.displayName)): \(counts)."
            : "Imported \(name) (\(format.displayName)): \(counts).")
        for failure in failures { Swift.print("  skipped \(failure)") }
    }
}
