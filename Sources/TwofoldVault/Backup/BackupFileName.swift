import Foundation
import TwofoldProtocol

/// The names of backup files: `twofold-backup-<account, 8 hex>-<UTC time>.tfbackup` for one
/// written by hand (`twofold backup`), with `.scheduled` before the extension for one the
/// daemon wrote (daemon.md, "Backups"). They sort by time and name the account; the
/// daemon's retention counts and deletes only its own, never a file written by hand.
public enum BackupFileName {
    /// The extension.
    public static let fileExtension = "tfbackup"

    /// The name of a backup of `account` written at `date`.
    public static func name(account: AccountID, at date: Date, scheduled: Bool) -> String {
        "twofold-backup-\(account.hex.prefix(8))-\(timestamp(date))\(scheduled ? ".scheduled" : "").\(fileExtension)"
    }

    /// What a name says: the account's first 8 hex digits, when it was written (whole
    /// seconds, Unix milliseconds) and whether the daemon wrote it; nil for another file.
    public static func parse(_ name: String) -> (account: String, createdMilliseconds: UInt64, scheduled: Bool)? {
        let prefix = "twofold-backup-"
        guard name.hasPrefix(prefix), name.hasSuffix("." + fileExtension) else { return nil }
        var stem = name.dropFirst(prefix.count).dropLast(fileExtension.count + 1)
        let scheduled = stem.hasSuffix(".scheduled")
        if scheduled { stem = stem.dropLast(".scheduled".count) }
        let parts = stem.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 8, parts[0].allSatisfy(\.isHexDigit),
              let date = formatter.date(from: String(parts[1])) else { return nil }
        return (String(parts[0]), UInt64(date.timeIntervalSince1970) * 1000, scheduled)
    }

    private static func timestamp(_ date: Date) -> String { formatter.string(from: date) }

    private static var formatter: DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter
    }
}
