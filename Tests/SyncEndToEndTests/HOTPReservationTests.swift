import Foundation
import Testing

/// `twofold code` on an HOTP token without a daemon reserves the counter with the relay
/// before printing (Protocol/daemon.md, "HOTP codes"; issue 16, "Done when").
@Suite("HOTP reservation without a daemon", .serialized)
struct HOTPReservationTests {
    @Test func twoDevicesPrintingAtTheSameMomentNeverPrintTheSameCode() throws {
        let lab = try Lab()
        let (a, b, _, _) = try lab.pair()
        #expect(try a.run(["add", "--issuer", "VPN", "--account", "me", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
                           "--type", "hotp", "--counter", "0"]).status == 0)
        for device in [a, b] { #expect(try device.run(["sync"]).status == 0) }
        final class Results: @unchecked Sendable {  // guarded by `lock`
            let lock = NSLock()
            var printed: [String] = []
            var failures: [String] = []
        }
        let results = Results()
        let rounds = 12
        for _ in 0..<rounds {
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                let result = Result { try [a, b][i].run(["code", "VPN"]) }
                results.lock.withLock {
                    switch result {
                    case .success(let out) where out.status == 0:
                        results.printed.append(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
                        if out.stderr.contains("could not be reached") { results.failures.append("offline warning: \(out.stderr)") }
                    case .success(let out): results.failures.append(out.stderr)
                    case .failure(let error): results.failures.append("\(error)")
                    }
                }
            }
        }
        let printed = results.printed
        #expect(results.failures.isEmpty, "\(results.failures)")
        #expect(printed.count == 2 * rounds)
        #expect(Set(printed).count == printed.count, "a code was printed twice: \(printed)")
    }

    @Test func offlineTheLocalCounterGivesTheCodeWithAWarning() throws {
        let lab = try Lab()
        let (a, _, _, _) = try lab.pair()
        #expect(try a.run(["add", "--issuer", "VPN", "--account", "me", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
                           "--type", "hotp", "--counter", "0"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        lab.relay.stop()
        let offline = try a.run(["code", "VPN"])
        #expect(offline.status == 0)
        #expect(offline.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "755224")  // RFC 4226, counter 0
        #expect(offline.stderr.contains("another device offline could give the same code until both sync"))
        #expect(offline.stderr.split(separator: "\n").count == 1)
    }

    /// What the relay learns from HOTP use (Protocol/threat-model.md, "What is protected"):
    /// each code rewrites the counter record of that token and device, so the relay sees
    /// which HOTP token (by record id) was used, by which device, and when — and nothing
    /// of the counter value or the token. Read straight from relay.sqlite.
    @Test func theRelaySeesWhichCounterRecordEachHOTPUseRewrites() throws {
        let lab = try Lab()
        let (a, _, _, _) = try lab.pair()
        for (issuer, secret) in [("VPN", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), ("Door", "JBSWY3DPEHPK3PXP")] {
            #expect(try a.run(["add", "--issuer", issuer, "--account", "me", "--secret", secret, "--type", "hotp"]).status == 0)
        }
        #expect(try a.run(["sync"]).status == 0)
        let database = lab.relay.data.appendingPathComponent("relay.sqlite").path
        let before = try Self.counterRows(database)
        #expect(try a.run(["code", "VPN"]).status == 0)
        let afterVPN = try Self.counterRows(database)
        #expect(try a.run(["code", "Door"]).status == 0)
        let afterDoor = try Self.counterRows(database)
        #expect(try a.run(["code", "VPN"]).status == 0)
        let afterVPNAgain = try Self.counterRows(database)

        // Each use shows up as one counter record written; a use of the other token writes
        // another record; the same token again rewrites the first one (same id, new version).
        let vpn = Set(afterVPN.keys).subtracting(before.keys)
        #expect(vpn.count == 1)
        let door = Set(afterDoor.keys).subtracting(afterVPN.keys)
        #expect(door.count == 1 && door != vpn)
        #expect(afterVPNAgain.keys.sorted() == afterDoor.keys.sorted())
        let changed = afterVPNAgain.filter { afterDoor[$0.key] != $0.value }.map(\.key)
        #expect(changed == Array(vpn))
        // The rows hold no counter value in the clear: only ids, versions, sizes and seqs.
        #expect(afterVPNAgain.values.allSatisfy { $0.split(separator: " ").count == 3 })
    }

    /// Counter records on the relay (kind 2): record id -> "version seq size".
    static func counterRows(_ database: String) throws -> [String: String] {
        let script = """
            import sqlite3
            c = sqlite3.connect('\(database)')
            for r in c.execute('select hex(record_id), version, seq, length(sealed) from record where kind = 2'):
                print(r[0], r[1], r[2], r[3])
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var rows: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2 { rows[parts[0]] = parts[1] }
        }
        return rows
    }
}
