import Foundation
import Testing
import TwofoldProtocol

/// Two device homes syncing through a real `twofold-relay` process with the real `twofold`
/// binary (issue 5, "Done when"). Serialized: each test starts its own relay.
@Suite("Sync end to end", .serialized)
struct SyncEndToEndTests {
    @Test func createRestoreAndConvergeBothWays() throws {
        let lab = try Lab()
        let (a, b, _, _) = try lab.pair()
        #expect(try a.run(["add", "--issuer", "GitHub", "--account", "alice", "--secret", "JBSWY3DPEHPK3PXP"]).status == 0)
        #expect(try a.run(["add", "--issuer", "Mail", "--account", "alice", "--secret", "JBSWY3DPEHPK3PXQ"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        #expect(try b.tokens() == ["GitHub:alice:", "Mail:alice:"])

        // Edits and deletes, both ways.
        #expect(try b.run(["edit", "GitHub", "--note", "from b"]).status == 0)
        #expect(try b.run(["remove", "Mail"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        #expect(try a.tokens() == ["GitHub:alice:from b"])
        #expect(try a.run(["add", "--issuer", "Bank", "--account", "alice", "--secret", "JBSWY3DPEHPK3PXR"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        #expect(try b.tokens() == a.tokens())

        // Offline edits on both, then sync: nothing lost, the later edit of one token wins.
        #expect(try a.run(["add", "--issuer", "OnlyA", "--account", "x", "--secret", "JBSWY3DPEHPK3PXS"]).status == 0)
        #expect(try b.run(["add", "--issuer", "OnlyB", "--account", "x", "--secret", "JBSWY3DPEHPK3PXT"]).status == 0)
        #expect(try a.run(["edit", "Bank", "--note", "a"]).status == 0)
        #expect(try b.run(["edit", "Bank", "--note", "b"]).status == 0)
        #expect(try a.run(["remove", "GitHub"]).status == 0)
        for device in [a, b, a] { #expect(try device.run(["sync"]).status == 0) }
        let expected = ["Bank:alice:b", "OnlyA:x:", "OnlyB:x:"]
        #expect(try a.tokens() == expected)
        #expect(try b.tokens() == expected)
        let status = try b.json(["status", "--json"])
        #expect(status["pending"] as? Int == 0)
        #expect(status["last_error"] is NSNull)
        #expect(status["relay"] as? String == lab.relay.url)
    }

    @Test func aRelaysShortPagesSyncEverything() throws {
        // A 4 KiB page budget: a token record is at least 297 sealed bytes, 550 bytes of
        // page JSON, so 24 tokens and the roster take four pages or more, none of them full
        // to the 500 records the devices ask for (relay-api.md, "Records").
        let lab = try Lab(relaySettings: ["page-bytes": "4096"])
        let (a, b, _, _) = try lab.pair()
        var expected: [String] = []
        for i in 0..<24 {
            let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            let added = try a.run(["add", "--issuer", "Issuer\(i)", "--account", "alice",
                                   "--secret", "JBSWY3DPEHPK3P\(letters[i])\(letters[25 - i])"])
            #expect(added.status == 0, "\(added.stderr)")
            expected.append("Issuer\(i):alice:")
        }
        #expect(try a.run(["sync"]).status == 0)
        let synced = try b.run(["sync"])
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(try b.tokens() == expected.sorted())
        #expect(try b.json(["status", "--json"])["last_error"] is NSNull)
    }

    @Test func concurrentHOTPUseNeverReusesACounterOnceSynced() throws {
        let lab = try Lab()
        let (a, b, _, _) = try lab.pair()
        #expect(try a.run(["add", "--issuer", "VPN", "--account", "me", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
                           "--type", "hotp", "--counter", "0"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        // RFC 4226 codes for counters 0, 1, 2, 3...
        let rfc = ["755224", "287082", "359152", "969429", "338314", "254676"]
        var seen: [String] = []
        for _ in 0..<2 { seen.append(try a.run(["code", "VPN"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(try b.run(["sync"]).status == 0)  // b has not seen a's uses: a pushed nothing yet
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        seen.append(try b.run(["code", "VPN"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try b.run(["sync"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        seen.append(try a.run(["code", "VPN"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(seen == Array(rfc.prefix(4)))
    }

    @Test func failuresAreClearErrors() throws {
        let lab = try Lab()
        let (a, b, words, account) = try lab.pair()
        #expect(try a.run(["add", "--issuer", "GitHub", "--account", "alice", "--secret", "JBSWY3DPEHPK3PXP"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)

        // A record that fails authentication is never applied.
        #expect(try a.run(["edit", "GitHub", "--note", "tampered"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        try tamperNewestRecord(database: lab.relay.data.appendingPathComponent("relay.sqlite").path)
        let refused = try b.run(["sync"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("failed authentication"))
        #expect(try b.tokens() == [])  // nothing from the refused pull was applied
        let status = try b.json(["status", "--json"])
        #expect((status["last_error"] as? String)?.contains("failed authentication") == true)

        // A wrong recovery key is refused without saying whether the account exists; a bad word is named.
        let other = lab.device("c")
        var wrong = words.split(separator: " ").map(String.init)
        wrong.swapAt(0, 1)
        let bad = try other.run(["restore", "--relay", lab.relay.url, "--account", account, "--recovery-key-stdin", "--no-passphrase"],
                                input: "zzzz " + wrong.dropFirst().joined(separator: " "))
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("'zzzz'"))
        let otherKey = RecoveryKey.generate().phrase
        let refusedKey = try other.run(["restore", "--relay", lab.relay.url, "--account", account, "--recovery-key-stdin",
                                        "--no-passphrase"], input: otherKey)
        let unknownAccount = try other.run(["restore", "--relay", lab.relay.url, "--account", AccountID.random().hex,
                                            "--recovery-key-stdin", "--no-passphrase"], input: words)
        #expect(refusedKey.status == 1)
        #expect(refusedKey.stderr.contains("recovery_failed"))
        #expect(refusedKey.stderr == unknownAccount.stderr)
        #expect(!FileManager.default.fileExists(atPath: other.home.appendingPathComponent("vault.sqlite").path))

        // The relay down: a clear error, recorded for status.
        lab.relay.stop()
        let down = try a.run(["sync", "--json"])
        #expect(down.status == 1)
        #expect(down.stderr.contains("cannot reach the relay"))
        let error = try a.json(["status", "--json"])["last_error"] as? String
        #expect(error?.contains("cannot reach the relay") == true)
    }

    /// A device the relay has revoked gets 401 `device_revoked`: `sync` says so in one line
    /// and `status --json` keeps it, while the other device goes on syncing. (Revoking
    /// from a device, with key rotation, is `twofold devices revoke`; here the relay's
    /// store is changed directly, as an admin or a rotation would.)
    @Test func aRevokedDeviceGetsAClearError() throws {
        let lab = try Lab()
        let (a, b, _, _) = try lab.pair()
        #expect(try a.run(["sync"]).status == 0)
        let deviceID = try #require(try a.json(["status", "--json"])["device_id"] as? String)
        try revokeDevice(database: lab.relay.data.appendingPathComponent("relay.sqlite").path, deviceHex: deviceID)
        var refused = try a.run(["sync"])
        // The relay picks store changes made by another process up within about 2 s.
        for _ in 0..<30 where refused.status == 0 {
            Thread.sleep(forTimeInterval: 0.2)
            refused = try a.run(["sync"])
        }
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("device_revoked"))
        #expect(refused.stderr.split(separator: "\n").count == 1)
        let error = try a.json(["status", "--json"])["last_error"] as? String
        #expect(error?.contains("device_revoked") == true)
        #expect(try b.run(["sync"]).status == 0)
    }

    @Test func oneChangeCostsLessThanFourKilobytes() throws {
        let lab = try Lab()
        let (a, b, _, _) = try lab.pair()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        for i in 0..<20 {
            let secret = "JBSWY3DPEHPK3PXPAAAAAA" + String(alphabet[i / 32]) + String(alphabet[i % 32])
            #expect(try a.run(["add", "--issuer", "Site\(i)", "--account", "me", "--secret", secret]).status == 0)
        }
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        #expect(try a.run(["edit", "Site3", "--note", "one change"]).status == 0)
        let push = try a.json(["sync", "--json"])
        let pull = try b.json(["sync", "--json"])
        let pushed = (push["bytes_sent"] as? Int ?? 0) + (push["bytes_received"] as? Int ?? 0)
        let pulled = (pull["bytes_sent"] as? Int ?? 0) + (pull["bytes_received"] as? Int ?? 0)
        #expect(push["pushed"] as? Int == 1)
        #expect(pull["pulled"] as? Int == 1)
        #expect(pushed < 4096)
        #expect(pulled < 4096)
    }
}

/// Flips one byte of the newest record's ciphertext in the relay's SQLite store (a
/// hostile relay), with the system's sqlite3 through Python (no SQLite client in the tests).
func tamperNewestRecord(database: String) throws {
    let script = """
        import sqlite3
        c = sqlite3.connect('\(database)')
        row = c.execute('select account_id, record_id, sealed from record order by seq desc limit 1').fetchone()
        s = bytearray(row[2]); s[-1] ^= 1
        c.execute('update record set sealed=? where account_id=? and record_id=?', (bytes(s), row[0], row[1]))
        c.commit()
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw TamperFailure() }
}

struct TamperFailure: Error {}

/// Marks a device revoked in the relay's SQLite store, as a rotation that drops it does.
func revokeDevice(database: String, deviceHex: String) throws {
    let script = """
        import sqlite3
        c = sqlite3.connect('\(database)')
        n = c.execute("update device set status='revoked' where id=?", (bytes.fromhex('\(deviceHex)'),)).rowcount
        c.commit()
        assert n == 1
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw TamperFailure() }
}
