import Foundation
import Testing
import TwofoldOTP

/// "My code doesn't work": a relay whose clock looks 90 s ahead (a real `twofold-relay`
/// behind ``ClockSkewProxy``), and the real `twofold` binary: `sync`, `status` and
/// `doctor` report the offset, `code`/`codes` warn, and `--time-source relay` (or the
/// `time-source` setting) gives the code for the relay's time (issue 6, "Done when").
@Suite("Clock drift end to end", .serialized)
struct ClockDriftEndToEndTests {
    /// RFC 6238's SHA-1 secret, "12345678901234567890".
    static let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    static let skewMs: Int64 = 90_000

    /// The TOTP code of the test token at `unixTime`.
    static func expectedCode(at unixTime: Int64) throws -> String {
        OTPGenerator.totp(secret: try Base32.decode(secret), unixTime: unixTime, period: 30, algorithm: .sha1, digits: 6)
    }

    static func nowSeconds() -> Int64 { Int64(Date().timeIntervalSince1970.rounded(.down)) }

    /// Runs `args` (a `code`-like command printing the code first) and checks that the code
    /// is the token's code at some second of the run shifted by `shift`; retried once if a
    /// 30 s period boundary fell inside the run and neither side matched.
    static func expectCode(_ device: Device, _ args: [String], shift: Int64, json: Bool = false,
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> Device.Result {
        var last: Device.Result?
        for _ in 0..<3 {
            let before = nowSeconds()
            let result = try device.run(args)
            let after = nowSeconds()
            last = result
            #expect(result.status == 0, "\(args): \(result.stderr)", sourceLocation: sourceLocation)
            let code: String
            if json {
                let array = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [[String: Any]]
                code = (array?.first?["code"] as? String) ?? ""
            } else {
                code = result.stdout.split(separator: "\n").first.map(String.init) ?? ""
            }
            let allowed = Set(try (before...after).map { try expectedCode(at: $0 + shift) })
            if allowed.contains(code) { return result }
        }
        Issue.record("\(args) never printed the code for now\(shift >= 0 ? "+" : "")\(shift) s: \(last?.stdout ?? "")",
                     sourceLocation: sourceLocation)
        return last!
    }

    static func warningLines(_ stderr: String) -> [Substring] {
        stderr.split(separator: "\n").filter { $0.hasPrefix("twofold: warning:") }
    }

    @Test func aRelayClockAheadIsReportedAndRelayTimeGivesTheRelaysCode() throws {
        let lab = try Lab()
        let proxy = try ClockSkewProxy(upstreamPort: lab.relay.port, skewMs: Self.skewMs)
        defer { proxy.stop() }
        let a = lab.device("a")
        let words = lab.root.appendingPathComponent("words.txt").path
        let created = try a.run(["init", "--no-passphrase", "--relay", proxy.url, "--recovery-key-file", words])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(try a.run(["add", "--issuer", "Bank", "--account", "ana", "--secret", Self.secret]).status == 0)

        // sync measures the offset from the Date headers and warns on one line.
        let synced = try a.run(["sync"])
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(Self.warningLines(synced.stderr).count == 1)
        #expect(synced.stderr.contains("behind the relay's"))

        // status shows it (kept in <home>/clock.json) and warns, without the network.
        let status = try a.run(["status", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let coarse = try #require(object["clock_offset_ms"] as? Int)
        let coarseUncertainty = try #require(object["clock_uncertainty_ms"] as? Int)
        #expect(abs(coarse - 90_000) <= coarseUncertainty + 50, "\(coarse) ±\(coarseUncertainty)")
        #expect(coarseUncertainty <= 1_200)
        #expect(Self.warningLines(status.stderr).count == 1 && status.stderr.contains("--time-source relay"))

        // doctor measures it against /v1/health: a fail line, exit status 1.
        let doctor = try a.run(["doctor", "--json"])
        #expect(doctor.status == 1)
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(doctor.stdout.utf8)) as? [[String: Any]])
        for finding in findings {
            #expect(Set(finding.keys) == ["check", "status", "message", "fix"])
            #expect(["ok", "warn", "fail"].contains(finding["status"] as? String))
        }
        let clock = try #require(findings.first { $0["check"] as? String == "clock" })
        #expect(clock["status"] as? String == "fail")
        #expect((clock["message"] as? String)?.contains("behind the relay's") == true)
        #expect((clock["fix"] as? String)?.contains("NTP") == true)
        #expect(findings.first { $0["check"] as? String == "relay" }?["status"] as? String == "ok")
        #expect(findings.first { $0["check"] as? String == "permissions" }?["status"] as? String == "ok")
        #expect(findings.first { $0["check"] as? String == "recovery" }?["status"] as? String == "ok")
        let fine = try #require(try a.json(["status", "--json"]))
        let offset = try #require(fine["clock_offset_ms"] as? Int)
        let uncertainty = try #require(fine["clock_uncertainty_ms"] as? Int)
        #expect(abs(offset - 90_000) <= max(uncertainty, 5) + 50, "\(offset) ±\(uncertainty)")
        #expect(uncertainty < 200)  // loopback round trips: a few ms

        let human = try a.run(["doctor"])
        #expect(human.status == 1)
        let lines = human.stdout.split(separator: "\n")
        #expect(lines.count == findings.count)
        #expect(lines.contains { $0.hasPrefix("fail  clock") && $0.contains("behind the relay's") && $0.contains("NTP") })
        #expect(human.stderr.split(separator: "\n").count == 1)

        // code and codes: system time by default (with the warning), relay time on request.
        let system = try Self.expectCode(a, ["code", "Bank"], shift: 0)
        #expect(Self.warningLines(system.stderr).count == 1 && system.stderr.contains("behind the relay's"))
        _ = try Self.expectCode(a, ["code", "Bank", "--time-source", "relay"], shift: Self.skewMs / 1000)
        _ = try Self.expectCode(a, ["codes", "--time-source", "relay", "--json"], shift: Self.skewMs / 1000, json: true)
        _ = try Self.expectCode(a, ["codes", "--json"], shift: 0, json: true)

        // The setting makes relay time the default; --time-source system overrides it.
        #expect(try a.run(["config", "set", "time-source", "relay"]).status == 0)
        #expect(try a.run(["config", "get", "time-source"]).stdout == "relay\n")
        _ = try Self.expectCode(a, ["code", "Bank"], shift: Self.skewMs / 1000)
        _ = try Self.expectCode(a, ["code", "Bank", "--time-source", "system"], shift: 0)

        // Relay away: the kept offset is used, and a note says so.
        proxy.stop()
        let away = try Self.expectCode(a, ["code", "Bank"], shift: Self.skewMs / 1000)
        #expect(away.stderr.contains("cannot be reached") && away.stderr.contains("measured"))
        // No offset at all: one clear line, nothing printed, nothing changed.
        try FileManager.default.removeItem(atPath: a.home.appendingPathComponent("clock.json").path)
        let none = try a.run(["code", "Bank"])
        #expect(none.status == 1 && none.stdout.isEmpty)
        #expect(none.stderr.split(separator: "\n").count == 1 && none.stderr.contains("no clock offset is known"))
        #expect(!FileManager.default.fileExists(atPath: a.home.appendingPathComponent("clock.json").path))
    }

    @Test func doctorOnALocalVaultSkipsTheRelayAndFindsLoosePermissions() throws {
        let lab = try Lab()
        let a = lab.device("a")
        #expect(try a.run(["init", "--no-passphrase"]).status == 0)
        let doctor = try a.run(["doctor", "--json"])
        #expect(doctor.status == 0, "\(doctor.stdout)")
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(doctor.stdout.utf8)) as? [[String: Any]])
        #expect(findings.first { $0["check"] as? String == "relay" }?["status"] as? String == "ok")
        #expect((findings.first { $0["check"] as? String == "relay" }?["message"] as? String)?.contains("skipped") == true)
        #expect(!findings.contains { $0["check"] as? String == "clock" })
        #expect(findings.first { $0["check"] as? String == "recovery" }?["status"] as? String == "warn")

        // A store other users can read: a fail line naming the file and the chmod that fixes it.
        let database = a.home.appendingPathComponent("vault.sqlite").path
        #expect(chmod(database, 0o644) == 0)
        let loose = try a.run(["doctor"])
        #expect(loose.status == 1)
        #expect(loose.stdout.split(separator: "\n").contains {
            $0.hasPrefix("fail  permissions") && $0.contains("vault.sqlite") && $0.contains("chmod 600")
        })
        #expect(chmod(database, 0o600) == 0)

        // No vault at all: one fail line.
        let empty = try lab.device("nothing").run(["doctor"])
        #expect(empty.status == 1 && empty.stdout.contains("fail  vault"))
    }

    @Test func badTimeSourceInputIsOneLineAndChangesNothing() throws {
        let lab = try Lab()
        let a = lab.device("a")
        #expect(try a.run(["init", "--no-passphrase"]).status == 0)
        #expect(try a.run(["add", "--issuer", "Bank", "--account", "ana", "--secret", Self.secret]).status == 0)
        for args in [["code", "Bank", "--time-source", "sundial"], ["code", "Bank", "--at", "59", "--time-source", "relay"],
                     ["config", "set", "time-source", "sundial"], ["config", "set", "colour", "blue"]] {
            let result = try a.run(args)
            #expect(result.status == 2, "\(args)")
            #expect(result.stdout.isEmpty && result.stderr.split(separator: "\n").count == 1, "\(args): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: a.home.appendingPathComponent("config").path))
        // A local vault has no relay to ask.
        let local = try a.run(["code", "Bank", "--time-source", "relay"])
        #expect(local.status == 1 && local.stderr.contains("this vault is local"))
        // A typo in the file is an error with its line number.
        try "# mine\ntime-sorce = relay\n".write(to: a.home.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let typo = try a.run(["codes"])
        #expect(typo.status == 1 && typo.stderr.contains("line 2") && typo.stderr.contains("time-sorce"))
    }
}
