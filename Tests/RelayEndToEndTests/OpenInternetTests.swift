import Foundation
import LoopbackHTTP
import Testing
import TwofoldProtocol

/// The real `twofold-relay` against what a relay on the open internet meets (issue 15):
/// accounts whose records pass a pull page's byte budget, floods of half-open connections,
/// and a data directory others can read. Loopback only; the other "clients" are other
/// 127.x addresses, which Linux routes to loopback.
@Suite(.serialized) struct OpenInternetTests {
    @Test func pullPagesEndAtTheirByteBudgetAndFollowingMoreGetsEveryRecord() throws {
        let relay = RelayProcess()
        defer { relay.cleanUp() }
        let pageBytes = 64 << 10
        try relay.start(["--registration", "open"], environment: ["TWOFOLD_RELAY_PAGE_BYTES": "\(pageBytes)"])
        var device = E2EDevice()
        #expect(try device.createAccount(port: relay.port) == 201)
        // 40 records of 16 KiB sealed (21,900 bytes in base64url): 880 KB, 13 times the budget.
        var set: [RecordID: RecordHeader] = [:]
        let pushed = try RawHTTP.request(port: relay.port, "POST", "/v1/records",
                                         body: device.batch(count: 40, counter: 1, over: &set, recordBytes: 16384 + 41), token: device.token)
        #expect(pushed.status == 200, "\(pushed.body)")
        var after = 0, pages = 0, seen: [String] = [], sizes: [Int] = [], head: [String: Any]?
        while pages < 100 {
            let r = try RawHTTP.request(port: relay.port, "GET", "/v1/records?after=\(after)&limit=1000", token: device.token)
            #expect(r.status == 200)
            pages += 1
            sizes.append(r.body.utf8.count)
            let page = E2EDevice.json(r.body)
            let records = page["records"] as? [[String: Any]] ?? []
            #expect(!records.isEmpty)
            seen += records.compactMap { $0["record_id"] as? String }
            after = records.last?["seq"] as? Int ?? after
            guard page["more"] as? Bool == true else { head = page["head"] as? [String: Any]; break }
            #expect(page["head"] == nil)
        }
        #expect(Set(seen) == Set(set.keys.map(\.hex)))
        #expect(seen.count == 40)
        #expect(pages == 20, "\(sizes)")
        #expect(sizes.allSatisfy { $0 <= pageBytes + 1024 }, "\(sizes)")
        #expect(head?["counter"] as? Int == 1)
    }

    @Test func halfOpenConnectionsNeitherBlockHealthNorSyncAndAreClosedByTheTimeouts() throws {
        let relay = RelayProcess()
        defer { relay.cleanUp() }
        let idle = 4.0, perAddress = 100, total = 200
        try relay.start(["--registration", "open"], environment: [
            "TWOFOLD_RELAY_IDLE_TIMEOUT": "\(Int(idle))", "TWOFOLD_RELAY_CONNECTIONS_PER_ADDRESS": "\(perAddress)",
            "TWOFOLD_RELAY_CONNECTIONS": "\(total)",
        ])
        var device = E2EDevice()
        #expect(try device.createAccount(port: relay.port) == 201)
        let stream = try RawHTTP(port: relay.port, timeout: 10)
        try stream.send("GET", "/v1/events", token: device.token)
        #expect(stream.read(until: "data: {\"seq\":0}").contains("text/event-stream"))

        // 300 connections from one address that send half a request line and stop.
        let start = Date()
        let attackers = try (0..<300).map { _ in
            let c = try RawHTTP(port: relay.port, timeout: 1, from: "127.0.0.2")
            #expect(RawHTTP.sendAll(Array("GET /v1/records?after=0 HT".utf8), to: c.fd))
            return c
        }
        // Honest clients meanwhile: health answers at once, a device pushes and pulls.
        let clock = ContinuousClock()
        var healthStatus = 0
        let healthTime = try clock.measure {
            healthStatus = try RawHTTP.request(port: relay.port, "GET", "/v1/health").status
        }
        #expect(healthStatus == 200)
        #expect(healthTime < .seconds(1), "\(healthTime)")
        var set: [RecordID: RecordHeader] = [:]
        #expect(try RawHTTP.request(port: relay.port, "POST", "/v1/records", body: device.batch(count: 3, counter: 1, over: &set),
                                    token: device.token).status == 200)
        #expect(try device.relaySet(port: relay.port).count == 3)
        // The attacking address is at its cap: a whole request from it is told to come back.
        let refused = try RawHTTP(port: relay.port, timeout: 5, from: "127.0.0.2")
        try refused.send("GET", "/v1/health")
        let answer = refused.readAll()
        #expect(answer.hasPrefix("HTTP/1.1 503"), "\(answer)")
        #expect(answer.lowercased().contains("retry-after: 5"))
        #expect(answer.contains("\"code\":\"unavailable\"") && answer.contains("too many connections from this address"))

        // Refused ones go after the 2 s grace, the 100 admitted ones after the idle timeout.
        var closedAfter = [TimeInterval?](repeating: nil, count: attackers.count)
        while closedAfter.contains(where: { $0 == nil }) && Date().timeIntervalSince(start) < idle + 6 {
            for (i, c) in attackers.enumerated() where closedAfter[i] == nil && c.peerClosed {
                closedAfter[i] = Date().timeIntervalSince(start)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let times = closedAfter.compactMap { $0 }
        #expect(times.count == attackers.count, "\(attackers.count - times.count) half-open connections still open")
        #expect(times.filter { $0 >= idle - 0.3 }.count == perAddress, "\(times.sorted())")
        #expect(times.filter { $0 < 1.5 }.isEmpty, "closed before any timeout: \(times.sorted())")
        #expect(times.allSatisfy { $0 < idle + 4 })
        // The push stream outlived the idle timeout: an answer in progress is never cut.
        #expect(!stream.peerClosed)
        #expect(try RawHTTP.request(port: relay.port, "GET", "/v1/health").status == 200)

        // The total cap: other addresses fill it; then everyone is told to come back, until
        // the idle timeout frees it again.
        let fillers = try (0..<(total - 1)).map { i in
            let c = try RawHTTP(port: relay.port, timeout: 1, from: "127.0.0.\(3 + i / 50)")
            #expect(RawHTTP.sendAll(Array("GET /v1/hea".utf8), to: c.fd))
            return c
        }
        Thread.sleep(forTimeInterval: 0.3)
        let full = try RawHTTP.request(port: relay.port, "GET", "/v1/health")
        #expect(full.status == 503 && full.body.contains("the relay has too many connections open"), "\(full)")
        Thread.sleep(forTimeInterval: idle + 1)
        #expect(fillers.allSatisfy { $0.peerClosed })
        #expect(try RawHTTP.request(port: relay.port, "GET", "/v1/health").status == 200)
        #expect(!stream.peerClosed)
        let metrics = try RawHTTP.request(port: relay.port, "GET", "/metrics").body
        #expect(metrics.contains("twofold_connections_refused_total{cap=\"address\"}"))
        #expect(metrics.contains("twofold_connections_refused_total{cap=\"total\"}"))
    }

    @Test func theStoreIsPrivateAndADataDirectoryOthersCanReadIsRefused() throws {
        let relay = RelayProcess()
        defer { relay.cleanUp() }
        try relay.start()
        var device = E2EDevice()
        #expect(try device.createAccount(port: relay.port) == 201)
        for name in ["", "/relay.sqlite", "/relay.sqlite-wal", "/relay.sqlite-shm"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: relay.dataDirectory + name)
            let mode = (attributes[.posixPermissions] as? Int ?? 0o777)
            #expect(mode & 0o077 == 0, "\(name.isEmpty ? "the data directory" : name) has mode \(String(mode, radix: 8))")
        }
        relay.stop()

        for mode in [0o755, 0o770, 0o702] {
            let open = FileManager.default.temporaryDirectory.appendingPathComponent("relay-open-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: open) }
            try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: false)
            chmod(open, mode_t(mode))
            let p = Process()
            p.executableURL = RelayProcess.binary
            p.arguments = ["serve", "--data", open, "--listen", "127.0.0.1:0"]
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus != 0)
            #expect(text == "twofold-relay: the data directory \(open) is open to other users (mode \(String(mode, radix: 8))) "
                + "and would hold the relay's secrets: run 'chmod 700 \(open)', or give --data a new directory\n", "\(text)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: open).isEmpty)
        }
    }
}
