import Foundation
import TwofoldImport

/// What an import did (or, with `--dry-run`, would do), printed as the summary.
struct ImportReport {
    var format: ImportFormat?
    var failures: [ImportFailure]
    var dryRun: Bool
    var added = 0
    var duplicates = 0
    /// Entries with no token at all (password entries of a KeePass export).
    var withoutToken = 0
    /// Tokens read with a warning that does not stop the import (a short secret).
    var warnings: [(entry: ImportEntry, warning: String)] = []
    /// Why the import was refused, when it was (printed in the JSON; the CLI's error line
    /// says it on stderr).
    var error: String?

    init(format: ImportFormat?, failures: [ImportFailure], dryRun: Bool) {
        self.format = format
        self.failures = failures
        self.dryRun = dryRun
    }

    /// `{"format","added","duplicates","without_token","failed":[{"entry","reason"}],
    /// "warnings":[{"entry","warning"}],"dry_run"}` plus `"error"` on a refusal, or lines
    /// of text. `format` is null when the file's format was never known.
    func print(json: Bool, source: String) throws {
        // Warnings go to stderr in both modes, so a script reading the JSON still logs them.
        for item in warnings { Warnings.emit("\(item.entry): \(item.warning)") }
        if json {
            var object: [String: Any] = [
                "format": format.map { $0.rawValue as Any } ?? NSNull(), "added": added, "duplicates": duplicates,
                "without_token": withoutToken, "dry_run": dryRun,
                "failed": failures.map { ["entry": $0.entry.description, "reason": $0.reason] },
                "warnings": warnings.map { ["entry": $0.entry.description, "warning": $0.warning] },
            ]
            if let error { object["error"] = error }
            try JSONOutput.print(object)
            return
        }
        let name = source == "-" ? "standard input" : source
        var counts = "\(added) \(dryRun ? "would be added" : "added"), \(duplicates) skipped as duplicates, \(failures.count) failed"
        if withoutToken > 0 { counts += ", \(withoutToken) without a token skipped" }
        Swift.print(dryRun
            ? "Dry run, nothing was changed: \(name) (\(format?.displayName ?? "unknown format")): \(counts)."
            : "Imported \(name) (\(format?.displayName ?? "unknown format")): \(counts).")
        for failure in failures { Swift.print("  skipped \(failure)") }
    }
}
