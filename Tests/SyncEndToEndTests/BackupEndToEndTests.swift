import Foundation
import Testing

/// Backup files that outlive the relay (issue 17; Protocol/crypto.md, "Backup file"): real
/// `twofold-relay` and `twofold` processes, the relay's data deleted before the restore.
@Suite("Backups end to end", .serialized)
struct BackupEndToEndTests {
    static let accountPassphrase = "orbit velvet hazard pioneer lumber quantum"

    /// Every token as `list --json --show-secrets` prints it, sorted by id.
    static func everything(_ device: Device) throws -> [String] {
        let out = try device.run(["list", "--json", "--show-secrets"]).stdout
        let array = (try JSONSerialization.jsonObject(with: Data(out.utf8))) as? [[String: Any]] ?? []
        return try array.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }.sorted()
    }

    @Test func aBackupRestoresEveryTokenAfterTheRelayIsGoneWithTheWordsOrThePassphrase() throws {
        let lab = try Lab()
        let a = lab.device("a")
        let wordsFile = lab.root.appendingPathComponent("words.txt").path
        #expect(try a.run(["init", "--no-passphrase", "--relay", lab.relay.url, "--recovery-key-file", wordsFile]).status == 0)
        let words = try String(contentsOfFile: wordsFile, encoding: .utf8)
        for args in [["add", "--issuer", "Clinic: Desk", "--account", "anna@example.org", "--secret", "JBSWY3DPEHPK3PXP",
                      "--algorithm", "SHA256", "--digits", "8", "--period", "60", "--tag", "desk", "--note", "reception"],
                     ["add", "--issuer", "VPN", "--account", "anna", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
                      "--type", "hotp", "--counter", "0"],
                     ["add", "--issuer", "Steam", "--account", "anna", "--secret", "JBSWY3DPEHPK3PXQ", "--type", "steam"],
                     ["code", "VPN"], ["code", "VPN"], ["sync"]] {
            let result = try a.run(args)
            #expect(result.status == 0, "\(args): \(result.stderr)")
        }
        #expect(try a.run(["passphrase", "set-recovery", "--passphrase-stdin"], input: Self.accountPassphrase + "\n").status == 0)
        let folder = lab.root.appendingPathComponent("usb")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let written = try a.json(["backup", "--to", folder.path, "--json"])
        let path = try #require(written["path"] as? String)
        #expect(written["opens_with"] as? [String] == ["recovery-key", "passphrase"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let expected = try Self.everything(a)
        #expect(expected.count == 3)
        let totpAt = try a.run(["code", "Clinic", "--at", "1767225600"]).stdout

        // The relay is gone for good.
        lab.relay.stop()
        lab.relay.removeData()

        // Mistakes first: wrong words, a damaged file, a passphrase the file does not have.
        let other = lab.device("mistakes")
        let wrongWords = try other.run(["restore", "--from-backup", path, "--recovery-key-stdin", "--no-passphrase"],
                                       input: String(words.reversed()))
        #expect(wrongWords.status != 0 && wrongWords.stderr.split(separator: "\n").count == 1, "\(wrongWords.stderr)")
        var damaged = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        damaged[damaged.count - 50] ^= 1
        let damagedPath = folder.appendingPathComponent("damaged.tfbackup").path
        try Data(damaged).write(to: URL(fileURLWithPath: damagedPath))
        let broken = try other.run(["restore", "--from-backup", damagedPath, "--recovery-key-stdin", "--no-passphrase"], input: words)
        #expect(broken.status != 0 && broken.stderr.contains("damaged"), "\(broken.stderr)")
        let truncated = folder.appendingPathComponent("truncated.tfbackup").path
        try Data(damaged.prefix(1000)).write(to: URL(fileURLWithPath: truncated))
        let short = try other.run(["restore", "--from-backup", truncated, "--recovery-key-stdin", "--no-passphrase"], input: words)
        #expect(short.status != 0 && short.stderr.contains("truncated"), "\(short.stderr)")
        #expect(!FileManager.default.fileExists(atPath: other.home.appendingPathComponent("vault.sqlite").path))

        // The words alone.
        let c = lab.device("c")
        let restored = try c.run(["restore", "--from-backup", path, "--recovery-key-stdin", "--no-passphrase"], input: words)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try Self.everything(c) == expected)
        #expect(try c.run(["code", "Clinic", "--at", "1767225600"]).stdout == totpAt)
        // RFC 4226: counters 0 and 1 were used on A, so the next code is counter 2's.
        #expect(try c.run(["code", "VPN"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "359152")

        // The account passphrase alone, into a passphrase-protected vault.
        let d = lab.device("d")
        let again = try d.run(["restore", "--from-backup", path, "--passphrase-stdin", "--local-passphrase-stdin"],
                              input: Self.accountPassphrase + "\nlocal passphrase for d\n")
        #expect(again.status == 0, "\(again.stderr)")
        let listed = try d.run(["list", "--json", "--show-secrets", "--passphrase-stdin"], input: "local passphrase for d\n")
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("Clinic: Desk") && listed.stdout.contains("JBSWY3DPEHPK3PXP"))
    }
}
