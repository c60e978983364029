import Foundation
import Testing

/// Scheduled backup files (issue 17; Protocol/daemon.md, "Backups"): a real `twofoldd` that
/// is never unlocked writes them into the home's `backup-dir`, and after the relay's data
/// is deleted each restores a new device with every token exact, with the words alone and
/// with the account passphrase alone.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ScheduledBackupTests {
    static let local = "local passphrase of a"
    static let account = "orbit velvet hazard pioneer lumber quantum"

    /// Every token with its secret, as `list --json --show-secrets` prints it, sorted.
    static func everything(_ cluster: Cluster, _ name: String, passphrase: String? = nil) throws -> [String] {
        var args = ["list", "--json", "--show-secrets"]
        if passphrase != nil { args.append("--passphrase-stdin") }
        let out = try cluster.cli(name, args, input: passphrase.map { $0 + "\n" } ?? "").stdout
        let array = (try JSONSerialization.jsonObject(with: Data(out.utf8))) as? [[String: Any]] ?? []
        return try array.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }.sorted()
    }

    @Test func aLockedDaemonWritesBackupsThatRestoreWithTheWordsOrThePassphraseAlone() async throws {
        try await offPool {
            let cluster = try Cluster()
            defer { cluster.tearDown() }
            try cluster.startRelay()
            try cluster.createAccount("a", passphrase: Self.local)
            for args in [["add", "--issuer", "Clinic: Desk", "--account", "anna", "--secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
                          "--digits", "8", "--tag", "desk", "--note", "reception"],
                         ["add", "--issuer", "VPN", "--account", "anna", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "--type", "hotp"],
                         ["add", "--issuer", "Steam", "--account", "anna", "--secret", "JBSWY3DPEHPK3PXQJBSWY3DPEHPK3PXQ", "--type", "steam"]] {
                try cluster.cli("a", args + ["--passphrase-stdin"], input: Self.local + "\n")
            }
            try cluster.cli("a", ["passphrase", "set-recovery", "--passphrase-stdin"], input: Self.local + "\n" + Self.account + "\n")
            let expected = try Self.everything(cluster, "a", passphrase: Self.local)
            try check(expected.count == 3)

            let folder = cluster.root.appendingPathComponent("usb").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try cluster.cli("a", ["config", "set", "backup-dir", folder])
            // A backup written by hand into the same folder is never the daemon's to delete.
            let handOut = try cluster.cli("a", ["backup", "--to", folder, "--json", "--passphrase-stdin"], input: Self.local + "\n").stdout
            let byHand = try unwrap(try JSONSerialization.jsonObject(with: Data(handOut.utf8)) as? [String: Any])
            let handPath = try unwrap(byHand["path"] as? String)

            try cluster.startDaemon("a", extra: ["--backup-interval", "1s"])
            let status = try unwrap(try cluster.json("a", ["status", "--json"]) as? [String: Any])
            try check(status["locked"] as? Bool == true, "the daemon stays locked: \(status)")
            func scheduled() -> [String] {
                ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".scheduled.tfbackup") }.sorted()
            }
            try cluster.waitUntil("the locked daemon writes a backup") { !scheduled().isEmpty }
            // Written every second, same day: the daily retention keeps the newest of the day only.
            Thread.sleep(forTimeInterval: 3.5)
            let files = scheduled()
            try check(files.count == 1, "retention: \(files)")
            try check(FileManager.default.fileExists(atPath: handPath), "the hand-made backup stays")
            let path = folder + "/" + files[0]
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            try check(mode == 0o600, "mode \(String(describing: mode))")
            let log = try String(contentsOf: cluster.root.appendingPathComponent("a-daemon.log"), encoding: .utf8)
            try check(log.contains("backup written") && log.contains("the recovery words or the account passphrase"), log)
            cluster.stopDaemon("a")

            // The relay is gone for good.
            cluster.stopRelay()
            try FileManager.default.removeItem(at: cluster.root.appendingPathComponent("relay"))

            let words = try String(contentsOf: cluster.root.appendingPathComponent("recovery.txt"), encoding: .utf8)
            try cluster.cli("c", ["restore", "--from-backup", path, "--recovery-key-stdin", "--no-passphrase"], input: words)
            try check(try Self.everything(cluster, "c") == expected, "the words alone")
            try cluster.cli("d", ["restore", "--from-backup", path, "--passphrase-stdin", "--no-passphrase"], input: Self.account + "\n")
            try check(try Self.everything(cluster, "d") == expected, "the passphrase alone")
        }
    }
}
