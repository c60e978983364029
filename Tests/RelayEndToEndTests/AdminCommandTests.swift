import Foundation
import LoopbackHTTP
import Testing
import TwofoldProtocol

/// The admin commands of the real `twofold-relay`, run beside a real relay process as an
/// admin would (README, "Running a relay"; issue 15, "An admin who knows what is happening").
@Suite("Relay admin commands (real processes)")
struct AdminCommandTests {
    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// Polls `GET /v1/head` until its status is `want` (the relay reloads its directory every 2 s).
    static func waitForHead(_ relay: RelayProcess, _ token: String, status want: Int) throws -> (status: Int, body: String) {
        var last = (status: 0, body: "")
        for _ in 0..<100 {
            last = try RawHTTP.request(port: relay.port, "GET", "/v1/head", token: token)
            if last.status == want { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return last
    }

    @Test("an invite's label reaches accounts list, which shows creation, last seen and counts, in text and JSON")
    func labelsAndAccountList() throws {
        let relay = RelayProcess()
        defer { relay.cleanUp() }
        try relay.start(["--registration", "invite"])
        let created = try relay.admin(["invite", "create", "--label", "reception-anna", "--json"])
        #expect(created.status == 0, "\(created.err)")
        let invite = try #require(Self.json(created.out)["token"] as? String)
        #expect(Self.json(created.out)["label"] as? String == "reception-anna")
        let invites = Self.json(try relay.admin(["invite", "list", "--json"]).out)["invites"] as? [[String: Any]]
        #expect(invites?.first?["label"] as? String == "reception-anna")

        var device = E2EDevice()
        #expect(try device.createAccount(port: relay.port, invite: invite) == 201)
        #expect(try RawHTTP.request(port: relay.port, "GET", "/v1/head", token: device.token).status == 200)

        let text = try relay.admin(["accounts", "list"])
        #expect(text.status == 0, "\(text.err)")
        let row = try #require(text.out.split(separator: "\n").first { $0.hasPrefix(device.account.hex) })
        #expect(row.contains("reception-anna") && row.contains("active"), "\(row)")
        #expect(!row.contains("never"), "an account that just synced was seen: \(row)")
        let listed = Self.json(try relay.admin(["accounts", "list", "--json"]).out)["accounts"] as? [[String: Any]]
        let account = try #require(listed?.first { $0["id"] as? String == device.account.hex })
        #expect(account["label"] as? String == "reception-anna")
        #expect(account["devices"] as? Int == 1)
        #expect(account["disabled"] as? Bool == false)
        let createdAt = try #require(account["created_at_ms"] as? Int), seen = try #require(account["last_seen_ms"] as? Int)
        #expect(seen >= createdAt && abs(Int(Date().timeIntervalSince1970 * 1000) - seen) < 120_000)

        // A label that would rewrite the admin's terminal is refused in one line.
        let hostile = try relay.admin(["invite", "create", "--label", "x\u{1b}[2Jy"])
        #expect(hostile.status != 0 && hostile.err.contains("control characters"), "\(hostile.err)")
    }

    @Test("accounts disable suspends every device (401 account_disabled, also at sign-in and on streams) until enable")
    func disableAndEnable() throws {
        let relay = RelayProcess()
        defer { relay.cleanUp() }
        try relay.start()
        var device = E2EDevice()
        #expect(try device.createAccount(port: relay.port) == 201)
        var other = E2EDevice()
        #expect(try other.createAccount(port: relay.port) == 201)
        let stream = try RawHTTP(port: relay.port, timeout: 10)
        try stream.send("GET", "/v1/events", token: device.token)
        #expect(stream.read(until: "data: {\"seq\":0}").contains("text/event-stream"))

        let blind = try relay.admin(["accounts", "disable", device.account.hex])
        #expect(blind.status == 1 && blind.err.contains("add --yes"), "\(blind.err)")
        let disabled = try relay.admin(["accounts", "disable", device.account.hex, "--yes", "--json"])
        #expect(disabled.status == 0, "\(disabled.err)")
        #expect(Self.json(disabled.out)["disabled"] as? Bool == true)

        let refused = try Self.waitForHead(relay, device.token, status: 401)
        #expect(refused.status == 401 && refused.body.contains("account_disabled"), "\(refused)")
        #expect(stream.readAll().contains("event: revoked"), "the open stream is closed")
        let signIn = try device.signIn(port: relay.port)
        #expect(signIn.status == 401 && signIn.body.contains("account_disabled"), "\(signIn)")
        #expect(try RawHTTP.request(port: relay.port, "GET", "/v1/head", token: other.token).status == 200, "other accounts go on")
        let row = try relay.admin(["accounts", "list"]).out.split(separator: "\n").first { $0.hasPrefix(device.account.hex) }
        #expect(row?.hasSuffix("disabled") == true, "\(String(describing: row))")

        #expect(try relay.admin(["accounts", "enable", device.account.hex]).status == 0)
        #expect(try Self.waitForHead(relay, device.token, status: 200).status == 200)
        #expect(try device.signIn(port: relay.port).status == 200)
        let unknown = try relay.admin(["accounts", "disable", AccountID.random().hex, "--yes"])
        #expect(unknown.status == 1 && unknown.err.hasPrefix("twofold-relay: no account"), "\(unknown.err)")
    }

    @Test("admin commands refuse a data directory without a relay store, and create nothing there")
    func noStoreIsRefused() throws {
        let relay = RelayProcess()
        defer { relay.cleanUp() }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("relay-nostore-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let missing = empty + "/nowhere"
        for (arguments, data) in [(["invite", "create"], empty), (["accounts", "list"], missing), (["invite", "list", "--json"], empty)] {
            let result = try relay.admin(arguments, data: data)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.err.hasPrefix("twofold-relay: no relay store at "), "\(result.err)")
            #expect(result.err.split(separator: "\n").count == 1, "one line: \(result.err)")
            #expect(result.out.isEmpty, "no invite is printed")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty, "nothing was created")
        #expect(!FileManager.default.fileExists(atPath: missing))
    }
}
