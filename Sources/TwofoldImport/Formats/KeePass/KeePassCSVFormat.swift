import Foundation
import TwofoldOTP

/// KeePassXC's CSV export (`keepassxc-cli export --format csv`, or the app's
/// "Export › CSV"), and CSV files with the same columns written for KeePass 2.
///
/// KeePassXC 2.7 writes the header
/// `"Group","Title","Username","Password","URL","Notes","TOTP","Icon","Last Modified","Created"`;
/// its `TOTP` column is the entry's TOTP as an `otpauth://` URI that KeePassXC builds
/// from the settings (issuer = title, account = username, `encoder=steam` for Steam),
/// even when the entry stores the older `TOTP Seed` / `TOTP Settings` attributes.
/// Columns are found by name, case-insensitively: `TOTP` or `otp` for the URI,
/// `TOTP Seed` and `TOTP Settings` for the legacy form, `Title`, `Username` (or
/// `UserName`), `Group`. Decoding is ``KeePassOTP``'s, shared with the XML and KDBX
/// readers.
///
/// Rows without a TOTP are password entries: skipped and counted
/// (``ImportResult/withoutToken``), never failures. The group becomes a tag unless it
/// is the database's root group (the first path component).
enum KeePassCSVFormat {
    /// Column names that mark a KeePass CSV header (compared lowercased).
    static let totpColumns = ["totp", "otp", "totp seed"]

    /// True when `line` (the first meaningful line) is a KeePass CSV header: a `Title`
    /// column and a TOTP column.
    static func isHeader(_ line: String) -> Bool {
        guard let record = try? CSVReader.records(line).first else { return false }
        let names = record.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return names.contains("title") && names.contains(where: totpColumns.contains)
    }

    static func read(_ data: Data) throws(ImportError) -> ImportResult {
        let text = try TextInput.text(TextInput.droppingBOM(data), as: .keepass)
        let records: [CSVReader.Record]
        do {
            records = try CSVReader.records(text)
        } catch {
            throw .malformed(.keepass, reason: "a quoted field starting on line \(error.line) is never closed")
        }
        guard let header = records.first else {
            throw .malformed(.keepass, reason: "the file is empty: export again with keepassxc-cli export --format csv")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func index(_ candidates: String...) -> Int? { names.firstIndex(where: candidates.contains) }
        let otpColumn = index("totp", "otp")
        let seedColumn = index("totp seed")
        let settingsColumn = index("totp settings")
        guard names.contains("title"), otpColumn != nil || seedColumn != nil else {
            throw .malformed(
                .keepass, reason: "no CSV header with Title and TOTP columns: export with keepassxc-cli export --format csv")
        }
        let titleColumn = index("title")
        let userColumn = index("username", "user name", "login name")
        let groupColumn = index("group")

        var collector = ImportCollector(format: .keepass)
        for record in records.dropFirst() {
            func column(_ index: Int?) -> String? {
                guard let index, index < record.fields.count else { return nil }
                return record.fields[index]
            }
            let otp = column(otpColumn), seed = column(seedColumn)
            let blank: (String?) -> Bool = { ($0 ?? "").allSatisfy(\.isWhitespace) }
            if blank(otp) && blank(seed) {
                collector.skipWithoutToken()
                continue
            }
            let title = column(titleColumn) ?? ""
            let username = column(userColumn) ?? ""
            try collector.entry(line: record.line, label: title.isEmpty ? username : title) { () throws(EntryError) in
                guard var token = try KeePassOTP.token(
                    otp: otp, seed: seed, settings: column(settingsColumn), title: title, username: username)
                else { throw EntryError("the entry has no TOTP") }
                if let tag = groupTag(column(groupColumn) ?? "") { token.tags = [tag] }
                return token
            }
        }
        return collector.result
    }

    /// The entry's group as a tag: KeePassXC writes the path from the root group
    /// (`Root/Work/Mail`); the root alone is no tag, a deeper path drops the root.
    static func groupTag(_ path: String) -> String? {
        let parts = path.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
        let inner = parts.dropFirst().joined(separator: "/")
        return inner.isEmpty ? nil : inner
    }
}
