import Foundation
import TwofoldImport

/// What an import did (or, with `--dry-run`, would do), printed as the summary.
struct ImportReport {
    var format: ImportFormat
    var failures: [ImportFailure]
    var dryRun: Bool
    var added = 0
    var duplicates = 0

    init(format: ImportFormat, failures: [ImportFailure], dryRun: Bool) {
        self.format = format
        self.failures = failures
        self.dryRun = dryRun
    }

    /// `{"format","added","duplicates","failed":[{"entry","reason"}],"dry_run"}`, or lines of text.
    func print(json: Bool, source: String) throws {
        if json {
            try JSONOutput.print([
                "format": format.rawValue, "added": added, "duplicates": duplicates, "dry_run": dryRun,
                "failed": failures.map { ["entry": $0.entry.description, "reason": $0.reason] },
            ])
            return
        }
        let name = source == "-" ? "standard input" : source
        let counts = "\(added) \(dryRun ? "would be added" : "added"), \(duplicates) skipped as duplicates, \(failures.count) failed"
        Swift.print(dryRun
            ? "Dry run, nothing was changed: \(name) (\(format.displayName)): \(counts)."
            : "Imported \(name) (\(format.displayName)): \(counts).")
        for failure in failures { Swift.print("  skipped \(failure)") }
    }
}
