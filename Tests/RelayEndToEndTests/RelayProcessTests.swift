import Foundation
import LoopbackHTTP
import Testing
import TwofoldProtocol

/// The real `twofold-relay` binary: crash atomicity, the admin command beside a running
/// server, graceful shutdown. Loopback only, temporary directories, every process stopped.
@Suite(.serialized) struct RelayProcessTests {
    @Test func sigkillDuringBatchWritesLeavesWholeBatchesOnly() throws {
        let relay = RelayProcess()
        defer { relay.cleanUp() }
        let env = ["TWOFOLD_RELAY_RECORDS_PER_ACCOUNT": "1000000", "TWOFOLD_RELAY_RECORD_BYTES_PER_ACCOUNT": "4000000000",
                   "TWOFOLD_RELAY_DEVICE_RATE": "100000", "TWOFOLD_RELAY_DEVICE_BURST": "100000",
                   "TWOFOLD_RELAY_ADDRESS_RATE": "100000", "TWOFOLD_RELAY_ADDRESS_BURST": "100000"]
        try relay.start(["--registration", "open"], environment: env)
        var device = E2EDevice()
        #expect(try device.createAccount(port: relay.port) == 201)
        let batchSize = 300
        var counter = 1
        for round in 0..<3 {
            // Keep batches in flight on another thread and kill the relay underneath them.
            let port = relay.port, token = device.token, start = counter
            var set = try device.relaySet(port: port)
            let bodies = (0..<40).map { device.batch(count: batchSize, counter: start + $0, over: &set) }
            let answers = AnswerCount()
            let writer = Thread {
                for body in bodies {
                    _ = try? RawHTTP.request(port: port, "POST", "/v1/records", body: body, token: token)
                    answers.add()
                }
            }
            writer.start()
            // Kill once some batches have been answered (a slow, sanitized build takes longer
            // to get there than a fixed delay allows), while the next ones are in flight.
            let deadline = Date().addingTimeInterval(60)
            while answers.value < 1 + round && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
            Thread.sleep(forTimeInterval: 0.05 * Double(round + 1))
            relay.stop(signal: SIGKILL)
            while writer.isExecuting { Thread.sleep(forTimeInterval: 0.02) }
            try relay.start(["--registration", "open"], environment: env)
            let sign = try device.signedChallenge(port: relay.port)
            let signIn = try RawHTTP.request(port: relay.port, "POST", "/v1/auth/token", body: """
                {"account_id":"\(device.account.hex)","device_id":"\(device.id.hex)","challenge":"\(sign.0)","signature":"\(sign.1)"}
                """)
            device.token = E2EDevice.json(signIn.body)["access_token"] as? String ?? ""
            // Count records after restart: only whole batches, and the head says the same.
            var total = 0, after = 0, more = true, headSeq = -1
            while more {
                let page = E2EDevice.json(try RawHTTP.request(port: relay.port, "GET", "/v1/records?after=\(after)&limit=1000", token: device.token).body)
                let records = page["records"] as? [[String: Any]] ?? []
                total += records.count
                after = (records.last?["seq"] as? Int) ?? after
                more = page["more"] as? Bool ?? false
                if !more { headSeq = ((page["head"] as? [String: Any])?["seq"] as? Int) ?? 0 }
            }
            #expect(total % batchSize == 0, "round \(round): \(total) records is not a whole number of batches")
            #expect(headSeq == total, "round \(round): head seq \(headSeq) vs \(total) records")
            counter = total / batchSize + 1
            #expect(total > 0 || round > 0)
        }
    }

    @Test func adminCommandsWorkWhileTheRelayServes() throws {
        let relay = RelayProcess()
        defer { relay.cleanUp() }
        try relay.start(["--registration", "invite"])
        let created = try relay.admin(["invite", "create", "--uses", "1", "--expires", "1h"])
        #expect(created.status == 0, "\(created.err)")
        let invite = created.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(invite.hasPrefix("tfi1."))
        let listed = try relay.admin(["invite", "list"])
        #expect(listed.out.split(separator: "\n").count == 2)
        var device = E2EDevice()
        #expect(try device.createAccount(port: relay.port) == 403)
        #expect(try device.createAccount(port: relay.port, invite: invite) == 201)
        var second = E2EDevice()
        #expect(try second.createAccount(port: relay.port, invite: invite) == 403)
        let accounts = try relay.admin(["accounts", "list"])
        #expect(accounts.status == 0)
        #expect(accounts.out.contains(device.account.hex))
        #expect(try RawHTTP.request(port: relay.port, "GET", "/v1/head", token: device.token).status == 200)
        let blind = try relay.admin(["accounts", "delete", device.account.hex])
        #expect(blind.status == 1 && blind.err.contains("add --yes"), "not at a terminal, nothing is deleted unasked: \(blind.err)")
        #expect(try RawHTTP.request(port: relay.port, "GET", "/v1/head", token: device.token).status == 200)
        let deleted = try relay.admin(["accounts", "delete", device.account.hex, "--yes"])
        #expect(deleted.status == 0, "\(deleted.err)")
        // The server hears of it within its directory refresh (2 s).
        var status = 200
        for _ in 0..<100 where status == 200 {
            status = try RawHTTP.request(port: relay.port, "GET", "/v1/head", token: device.token).status
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(status == 401)
        #expect(try relay.admin(["accounts", "delete", device.account.hex, "--yes"]).status == 1)
        let another = try relay.admin(["invite", "create"])
        let id = String(try relay.admin(["invite", "list"]).out.split(separator: "\n")[1].prefix(12))
        #expect(try relay.admin(["invite", "revoke", id]).status == 0)
        var third = E2EDevice()
        #expect(try third.createAccount(port: relay.port, invite: another.out.trimmingCharacters(in: .whitespacesAndNewlines)) == 403)
    }

    @Test func sigtermClosesPushStreamsCleanlyAndExits() throws {
        let relay = RelayProcess()
        defer { relay.cleanUp() }
        try relay.start()
        var device = E2EDevice()
        #expect(try device.createAccount(port: relay.port) == 201)
        let stream = try RawHTTP(port: relay.port, timeout: 10)
        try stream.send("GET", "/v1/events", token: device.token)
        let first = stream.read(until: "data: {\"seq\":0}")
        #expect(first.contains("text/event-stream"))
        let status = relay.stop(signal: SIGTERM, timeout: 10)
        #expect(status == 0, "\(relay.log)")
        // The chunked stream was ended properly (last chunk) before the connection closed.
        let rest = stream.readAll()
        #expect(rest.hasSuffix("0\r\n\r\n"), "\(rest.debugDescription)")
        #expect(relay.log.contains("twofold-relay stopped"))
    }
}

/// Requests answered so far by a writer thread, read by the test's thread.
private final class AnswerCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
