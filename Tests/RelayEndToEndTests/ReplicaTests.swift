import Foundation
import LoopbackHTTP
import Testing
import TwofoldProtocol

/// Two real `twofold-relay` processes on one PostgreSQL (issue 8): push crosses replicas, a
/// killed replica's devices carry on through the other, revocation reaches every replica,
/// and compare-and-swap holds across them. Runs when `TWOFOLD_TEST_POSTGRES_URL` is set
/// (`make test` starts a throw-away server).
@Suite(.serialized, .enabled(if: ReplicaSet.serverURL != nil, "needs TWOFOLD_TEST_POSTGRES_URL (make test starts a server)"))
struct ReplicaTests {
    @Test func pushCrossesReplicasAndDevicesSurviveAKilledReplica() throws {
        let set = try ReplicaSet(count: 2)
        defer { set.cleanUp() }
        let one = set.replicas[0], two = set.replicas[1]
        // The writer on replica 2, the reader's stream on replica 1.
        let (writer, recovery) = try ReplicaDevice.createAccount(port: two.port)
        let reader = try ReplicaDevice.claim(account: writer.account, recovery: recovery, port: one.port)
        let (stream, first) = try reader.openStream(port: one.port)
        #expect(first.contains("event: records"), "\(first)")

        let record = RecordID.random()
        let push = writer.write(record, expected: nil, counter: 1, hlc: 1 << 16)
        let start = Date()
        let r = try RawHTTP.request(port: two.port, "POST", "/v1/records", body: push.body, token: writer.token)
        #expect(r.status == 200, "\(r.body)")
        let seen = stream.read(until: "\"seq\":1}")
        #expect(seen.contains("event: records") && seen.contains("\"seq\":1}"), "replica 1's stream never heard of seq 1: \(seen)")
        #expect(Date().timeIntervalSince(start) < 5)

        // Replica 1 dies; the device reconnects through replica 2 and misses nothing.
        one.stop(signal: SIGKILL)
        let rest = stream.readAll()
        #expect(!rest.contains("event: revoked"))
        let (again, firstAgain) = try reader.openStream(port: two.port)
        #expect(firstAgain.contains("\"seq\":1}"), "the reconnected stream starts at the latest seq: \(firstAgain)")
        let next = writer.write(record, expected: push.version, counter: 2, hlc: 2 << 16)
        #expect(try RawHTTP.request(port: two.port, "POST", "/v1/records", body: next.body, token: writer.token).status == 200)
        let seenAgain = again.read(until: "\"seq\":2}")
        #expect(seenAgain.contains("\"seq\":2}"), "\(seenAgain)")
        let page = ReplicaDevice.json(try RawHTTP.request(port: two.port, "GET", "/v1/records?after=0", token: reader.token).body)
        let records = page["records"] as? [[String: Any]] ?? []
        #expect(records.count == 1 && records.first?["version"] as? String == next.version)
        #expect(records.first?["seq"] as? Int == 2)
    }

    @Test func aRevocationThroughOneReplicaClosesStreamsAndRefusesOnTheOther() throws {
        let set = try ReplicaSet(count: 2)
        defer { set.cleanUp() }
        let one = set.replicas[0], two = set.replicas[1]
        let (owner, recovery) = try ReplicaDevice.createAccount(port: two.port)
        let lost = try ReplicaDevice.claim(account: owner.account, recovery: recovery, port: one.port)
        // Replica 1 has seen the device act (its directory knows it as active).
        #expect(try RawHTTP.request(port: one.port, "GET", "/v1/account", token: lost.token).status == 200)
        let (stream, _) = try lost.openStream(port: one.port)
        let grant = Base64URL.encode(Array(repeating: 7, count: 101))
        // The account holds no record: the rotation's head covers the empty set at epoch 2.
        let head = Head(account: owner.account, counter: 1, epoch: 2, records: [RecordHeader](), signer: owner.id).signed(with: owner.sign).bytes
        let rotation = """
            {"from_epoch":1,"to_epoch":2,"revoke":["\(lost.id.hex)"],"records":[],
             "grants":[{"recipient":"\(owner.id.hex)","sealed":"\(grant)"},{"recipient":"recovery","sealed":"\(grant)"}],
             "head":{"counter":1,"head":"\(Base64URL.encode(head))","expected_counter":null}}
            """
        let start = Date()
        let rotated = try RawHTTP.request(port: two.port, "POST", "/v1/rotations", body: rotation, token: owner.token)
        #expect(rotated.status == 200, "\(rotated.body)")
        // Replica 1 closes the stream on the notification, and refuses the device from then on
        // — before its 2 s directory reload could have done it.
        let closing = stream.read(until: "event: revoked")
        #expect(closing.contains("event: revoked"), "\(closing)")
        let refused = try RawHTTP.request(port: one.port, "GET", "/v1/account", token: lost.token)
        let elapsed = Date().timeIntervalSince(start)
        #expect(refused.status == 401 && refused.body.contains("device_revoked"), "\(refused.body)")
        #expect(elapsed < 1.5, "the revocation took \(elapsed) s to reach replica 1")
    }

    @Test func compareAndSwapHoldsAcrossReplicas() throws {
        let set = try ReplicaSet(count: 2)
        defer { set.cleanUp() }
        let ports = [set.replicas[0].port, set.replicas[1].port]
        let (a, recovery) = try ReplicaDevice.createAccount(port: ports[0])
        let b = try ReplicaDevice.claim(account: a.account, recovery: recovery, port: ports[1])
        let record = RecordID.random()
        let created = a.write(record, expected: nil, counter: 1, hlc: 1 << 16)
        #expect(try RawHTTP.request(port: ports[0], "POST", "/v1/records", body: created.body, token: a.token).status == 200)
        var version = created.version, counter = 1
        var conflicts = 0
        for round in 0..<60 {
            // Both devices saw `version`; each writes through its own replica at once.
            let hlc = UInt64(round + 2) << 16
            let pushes = [a.write(record, expected: version, counter: counter + 1, hlc: hlc),
                          b.write(record, expected: version, counter: counter + 1, hlc: hlc)]
            let tokens = [a.token, b.token]
            let results = Results()
            let ready = DispatchSemaphore(value: 0), go = DispatchSemaphore(value: 0), done = DispatchGroup()
            for i in 0..<2 {
                done.enter()
                let port = ports[i], body = pushes[i].body, token = tokens[i]
                Thread {
                    // Connected first, then both requests leave together.
                    let connection = try? RawHTTP(port: port, timeout: 30)
                    ready.signal()
                    go.wait()
                    try? connection?.send("POST", "/v1/records", body: body, token: token)
                    results.set(i, connection?.readAll() ?? "")
                    done.leave()
                }.start()
            }
            ready.wait()
            ready.wait()
            go.signal()
            go.signal()
            done.wait()
            let statuses = results.all.map { Int($0.split(separator: " ").dropFirst().first ?? "") ?? 0 }
            #expect(statuses.sorted() == [200, 409], "round \(round): \(statuses) \(results.all.map { $0.suffix(200) })")
            guard let winner = statuses.firstIndex(of: 200) else { break }
            let loser = results.all[1 - winner]
            #expect(loser.contains("version_conflict"), "round \(round): \(loser.suffix(300))")
            if loser.contains("version_conflict") { conflicts += 1 }
            version = pushes[winner].version
            counter += 1
        }
        #expect(conflicts == 60)
        // The stored record is the last winner's, at the last seq.
        let page = ReplicaDevice.json(try RawHTTP.request(port: ports[1], "GET", "/v1/records?after=0", token: b.token).body)
        let records = page["records"] as? [[String: Any]] ?? []
        #expect(records.first?["version"] as? String == version)
        #expect(page["latest_seq"] as? Int == 61)
    }

    @Test func adminCommandsOnPostgreSQLReachEveryReplica() throws {
        let set = try ReplicaSet(count: 2)
        defer { set.cleanUp() }
        let one = set.replicas[0], two = set.replicas[1]
        let invite = try ReplicaSet.command(["invite", "create", "--uses", "2", "--database", set.databaseURL])
        #expect(invite.status == 0 && invite.out.hasPrefix("tfi1."), "\(invite.err)")
        let listed = try ReplicaSet.command(["invite", "list", "--database", set.databaseURL])
        #expect(listed.out.split(separator: "\n").count == 2, "\(listed.out)")
        let (device, _) = try ReplicaDevice.createAccount(port: two.port)
        let (stream, _) = try device.openStream(port: one.port)
        // `accounts delete` from the admin's own process: replica 1 closes the stream and
        // answers account_deleted at once, by the notification the delete committed.
        let deleted = try ReplicaSet.command(["accounts", "delete", device.account.hex, "--yes", "--database", set.databaseURL])
        #expect(deleted.status == 0, "\(deleted.err)")
        let start = Date()
        let closing = stream.read(until: "event: revoked")
        #expect(closing.contains("event: revoked"), "\(closing)")
        let refused = try RawHTTP.request(port: one.port, "GET", "/v1/account", token: device.token)
        #expect(refused.status == 401 && refused.body.contains("account_deleted"), "\(refused.body)")
        #expect(Date().timeIntervalSince(start) < 1.5)
        let bad = try ReplicaSet.command(["accounts", "list", "--database", "postgres://nobody@127.0.0.1:1/none"])
        #expect(bad.status == 1 && bad.err.hasPrefix("twofold-relay: cannot connect to PostgreSQL") && bad.err.split(separator: "\n").count == 1,
                "\(bad.err)")
    }

    @Test func copyRefusesANonEmptyDatabaseInOneLine() throws {
        let set = try ReplicaSet(count: 0)
        defer { set.cleanUp() }
        let sqlite = RelayProcess()
        defer { sqlite.cleanUp() }
        try sqlite.start(["--registration", "open"])
        var device = E2EDevice()
        #expect(try device.createAccount(port: sqlite.port) == 201)
        sqlite.stop()
        let copy = try ReplicaSet.command(["copy", "--from", "sqlite:\(sqlite.dataDirectory)", "--to", set.databaseURL])
        #expect(copy.status == 0, "\(copy.err)")
        #expect(copy.out.contains("account: 1") && copy.out.contains("device: 1"), "\(copy.out)")
        let listed = try ReplicaSet.command(["accounts", "list", "--database", set.databaseURL])
        #expect(listed.out.contains(device.account.hex), "\(listed.out) \(listed.err)")
        let again = try ReplicaSet.command(["copy", "--from", "sqlite:\(sqlite.dataDirectory)", "--to", set.databaseURL])
        #expect(again.status == 1)
        #expect(again.err.hasPrefix("twofold-relay: ") && again.err.contains("is not empty") && again.err.split(separator: "\n").count == 1,
                "\(again.err)")
    }
}

/// What two racing threads read.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values = ["", ""]
    func set(_ i: Int, _ text: String) { lock.lock(); values[i] = text; lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return values }
}
