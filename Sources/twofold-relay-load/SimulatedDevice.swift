import Foundation
import TwofoldCrypto
import TwofoldProtocol

/// One device of the `devices` load: its keys, its account, its two connections (requests, and
/// its push stream) and what it does while the run lasts (`run`). A device is driven by one
/// thread of its own; `DeviceLoad` reads its `tally` after that thread has ended.
final class SimulatedDevice: @unchecked Sendable {
    /// The device's number in the run (0-based).
    let index: Int
    /// The loopback address it connects from: 127.0.A.B, one per device (`LoadConnection`).
    let address: String
    /// Its device id and key pairs, as a real device makes them (only the public keys and
    /// signatures go to the relay).
    let id = DeviceID.random()
    let sign = Ed25519KeyPair.generate()
    let box = X25519KeyPair.generate()
    /// The relay's port on 127.0.0.1.
    let port: Int
    /// The account: a new id for the account's first device, the first device's for the others (`link`).
    var accountID = AccountID.random()
    /// The access token from account creation or sign-in (15 minutes, longer than any run).
    var token = ""
    /// What it did and saw.
    let tally = DeviceTally()

    private var connection: LoadConnection?
    private var stream: LoadConnection?
    /// SSE text received and not yet parsed (an event can arrive in pieces).
    private var streamText = ""
    /// The seq after which the next pull starts.
    private var cursor: Int64 = 0
    /// The counter of the latest head this device knows of (its own, or pulled).
    private var headCounter: Int64 = 0
    /// The relay's set as this device mirrors it (metadata only): the relay checks that each
    /// pushed head's count and digest describe its set after the batch (sync.md, "Pushing").
    private var mirror: [RecordID: RecordHeader] = [:]
    private var rng = SystemRandomNumberGenerator()

    init(index: Int, port: Int) {
        self.index = index
        self.port = port
        address = "127.0.\(10 + index / 250).\(1 + index % 250)"
    }

    // MARK: Setting up (not measured)

    /// Creates the device's account with it as the first device, as `twofold init` does.
    func createAccount() throws {
        let recovery = Ed25519KeyPair.generate(), recoveryBox = X25519KeyPair.generate()
        let (challenge, signature) = try signedChallenge()
        let grant = Base64URL.encode(SecureRandom.bytes(101))
        let body = """
            {"account_id":"\(accountID.hex)","device":\(keysJSON),\
            "recovery":{"sign_key":"\(Base64URL.encode(recovery.publicKey))","box_key":"\(Base64URL.encode(recoveryBox.publicKey))"},\
            "grants":[{"recipient":"\(id.hex)","sealed":"\(grant)"},{"recipient":"recovery","sealed":"\(grant)"}],\
            "challenge":"\(challenge)","signature":"\(signature)"}
            """
        let r = try setupRequest("POST", "/v1/accounts", body: body)
        guard r.status == 201, let token = r.json["access_token"] as? String else {
            throw LoadError("device \(index): account creation answered \(r.status): \(String(decoding: r.body, as: UTF8.self).prefix(200))")
        }
        self.token = token
    }

    /// Links this device into `existing`'s account the way `twofold link` does, as far as the
    /// relay sees it: this device opens a mailbox, `existing` replies (which admits it), and
    /// this device signs in. The offer and reply tags and the grant are random bytes: only
    /// devices check them, never the relay.
    func link(into existing: SimulatedDevice) throws {
        accountID = existing.accountID
        let rendezvous = Hex.encode(SecureRandom.bytes(10))
        let open = try setupRequest("POST", "/v1/link", body: """
            {"rendezvous_id":"\(rendezvous)","device":\(keysJSON),"tag":"\(Base64URL.encode(SecureRandom.bytes(32)))"}
            """)
        guard open.status == 201 else {
            throw LoadError("device \(index): opening a link mailbox answered \(open.status): \(String(decoding: open.body, as: UTF8.self).prefix(200))")
        }
        let reply = try existing.setupRequest("POST", "/v1/link/\(rendezvous)/reply", body: """
            {"epoch":1,"grant":"\(Base64URL.encode(SecureRandom.bytes(101)))","tag":"\(Base64URL.encode(SecureRandom.bytes(32)))"}
            """, token: existing.token)
        guard reply.status == 204 else {
            throw LoadError("device \(existing.index): link reply answered \(reply.status): \(String(decoding: reply.body, as: UTF8.self).prefix(200))")
        }
        let (challenge, signature) = try signedChallenge()
        let signIn = try setupRequest("POST", "/v1/auth/token", body: """
            {"account_id":"\(accountID.hex)","device_id":"\(id.hex)","challenge":"\(challenge)","signature":"\(signature)"}
            """)
        guard signIn.status == 200, let token = signIn.json["access_token"] as? String else {
            throw LoadError("device \(index): sign-in answered \(signIn.status): \(String(decoding: signIn.body, as: UTF8.self).prefix(200))")
        }
        self.token = token
    }

    /// Opens the push stream and reads its first event (the current seq). Counted: a device
    /// that cannot open its stream is an error of the run, not of the set-up.
    func openStream() {
        tally.request("stream")
        do {
            let c = try LoadConnection(port: port, source: address, timeout: 30)
            try c.send("GET", "/v1/events", token: token)
            let head = try c.readHead()
            guard head.status == 200, head.chunked else {
                tally.error("stream: answered \(head.status)")
                tally.streamDropped = true
                return
            }
            stream = c
            while !streamText.contains("\n\n") {
                guard let chunk = try c.nextChunk(blocking: true) else { throw LoadFailure("ended", kind: "dropped") }
                streamText += String(decoding: chunk, as: UTF8.self)
            }
            for seq in takeEvents() { cursor = max(cursor, seq) }
        } catch let failure as LoadFailure {
            dropStream(failure.kind)
        } catch {
            dropStream("\(error)")
        }
    }

    /// The push stream failed: counted once as an error of `kind`, and not read again.
    private func dropStream(_ kind: String) {
        tally.error("stream: \(kind)")
        tally.streamDropped = true
        stream = nil
    }

    // MARK: The run (measured)

    /// Until `deadlineNs` (monotonic): pulls whenever the push stream announces a seq beyond its
    /// cursor, and when `pullSeconds` (±50 %) have passed since its last pull (the first at a
    /// random point of the first interval, so that devices do not move in step); writes a batch
    /// of `batch` new records every `writeSeconds` (±50 %). Then, until `drainNs`, only reads the
    /// stream, so that the events of the last writes still count. An event is timed when `poll`
    /// returns, so one that arrives during a request of this device's is timed late by the rest
    /// of that request (a millisecond or two).
    func run(startNs: UInt64, deadlineNs: UInt64, drainNs: UInt64, pullSeconds: Double, writeSeconds: Double, batch: Int) {
        var nextPull = startNs + nanoseconds(Double.random(in: 0..<pullSeconds, using: &rng))
        var nextWrite = startNs + nanoseconds(Double.random(in: 0..<writeSeconds, using: &rng))
        while true {
            let now = monotonicNs()
            if now >= drainNs { break }
            let running = now < deadlineNs
            let wake = running ? min(nextPull, nextWrite, deadlineNs) : drainNs
            if stream == nil {
                // Without a stream (it dropped, an error already counted) the device still pulls and writes.
                if wake > now { usleep(UInt32(min((wake - now) / 1000, 1_000_000))) }
            } else if wake > now, readStream(timeoutMs: Int32(min((wake - now + 999_999) / 1_000_000, 1000))), running {
                pull()
                nextPull = monotonicNs() + nanoseconds(pullSeconds * Double.random(in: 0.5...1.5, using: &rng))
            }
            guard monotonicNs() < deadlineNs else { continue }
            if monotonicNs() >= nextPull {
                pull()
                nextPull = monotonicNs() + nanoseconds(pullSeconds * Double.random(in: 0.5...1.5, using: &rng))
            }
            if monotonicNs() >= nextWrite {
                write(batch: batch)
                nextWrite = monotonicNs() + nanoseconds(writeSeconds * Double.random(in: 0.5...1.5, using: &rng))
            }
        }
        stream = nil
        connection = nil
    }

    /// Waits up to `timeoutMs` for the stream, reads what came and records its events; true when
    /// one announces a seq beyond the cursor (time to pull).
    private func readStream(timeoutMs: Int32) -> Bool {
        guard let c = stream else { return false }
        var fds = pollfd(fd: c.fd, events: Int16(POLLIN), revents: 0)
        guard poll(&fds, 1, timeoutMs) > 0 else { return false }
        let at = monotonicNs()
        do {
            try c.fill()
            while true {
                // nil: the last chunk, the relay ended the stream.
                guard let chunk = try c.nextChunk(blocking: false) else { throw LoadFailure("ended", kind: "dropped") }
                if chunk.isEmpty { break }
                streamText += String(decoding: chunk, as: UTF8.self)
            }
        } catch let failure as LoadFailure {
            dropStream(failure.kind == "connection closed" ? "dropped" : failure.kind)
        } catch {
            dropStream("\(error)")
        }
        var announced = false
        for seq in takeEvents() {
            tally.events.append((seq, at))
            if seq > cursor { announced = true }
        }
        return announced
    }

    /// The seqs of the complete `records` events in `streamText`, which keeps any partial event.
    private func takeEvents() -> [Int64] {
        var seqs: [Int64] = []
        while let end = streamText.range(of: "\n\n") {
            let block = streamText[..<end.lowerBound]
            streamText.removeSubrange(..<end.upperBound)
            guard block.contains("event: records") else { continue }
            for line in block.split(separator: "\n") where line.hasPrefix("data: ") {
                let data = (try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8))) as? [String: Any]
                if let seq = (data?["seq"] as? NSNumber)?.int64Value { seqs.append(seq) }
            }
        }
        return seqs
    }

    /// Pulls every page after the cursor; notes the head's counter.
    private func pull() {
        var more = true
        while more {
            more = false
            guard let r = timed("pull", "GET", "/v1/records?after=\(cursor)") else { return }
            guard r.status == 200 else {
                tally.error("pull: \(r.status) \(r.errorCode)")
                return
            }
            let page = r.json
            let records = page["records"] as? [[String: Any]] ?? []
            for r in records {
                guard let id = (r["record_id"] as? String).flatMap({ try? RecordID(hex: $0) }),
                      let v = (r["version"] as? String).flatMap({ try? RecordVersion(text: $0) }),
                      let kind = (r["kind"] as? NSNumber).flatMap({ RecordKind(rawValue: $0.uint8Value) }),
                      let epoch = (r["epoch"] as? NSNumber)?.uint32Value, let deleted = r["deleted"] as? Bool else { continue }
                mirror[id] = RecordHeader(account: accountID, id: id, kind: kind, version: v, epoch: epoch, deleted: deleted)
            }
            more = page["more"] as? Bool ?? false
            if more, let last = (records.last?["seq"] as? NSNumber)?.int64Value {
                cursor = last
            } else if let latest = (page["latest_seq"] as? NSNumber)?.int64Value {
                cursor = max(cursor, latest)
                more = false
            }
            if let head = page["head"] as? [String: Any], let counter = (head["counter"] as? NSNumber)?.int64Value {
                headCounter = max(headCounter, counter)
            }
        }
    }

    /// Writes `batch` new records with the next head, compare-and-swap on the head this device
    /// knows; on `head_conflict` (another device of the account pushed first) pulls and tries
    /// again, as the spec tells a client to, up to 5 times.
    private func write(batch: Int) {
        for _ in 0..<5 {
            let hlc = UInt64(Date().timeIntervalSince1970 * 1000) << 16
            let stamp = RecordVersion(hlc: hlc, device: id)
            let version = stamp.description
            let ids = (0..<batch).map { _ in RecordID.random() }
            let writes = ids.map { record in
                "{\"record_id\":\"\(record.hex)\",\"kind\":1,\"version\":\"\(version)\",\"epoch\":1,\"deleted\":false,"
                    + "\"sealed\":\"\(Base64URL.encode([1] + SecureRandom.bytes(296)))\",\"expected_version\":null}"
            }
            var after = mirror
            for record in ids {
                after[record] = RecordHeader(account: accountID, id: record, kind: .token, version: stamp, epoch: 1, deleted: false)
            }
            let head = Head(account: accountID, counter: UInt64(headCounter + 1), epoch: 1, records: after.values, signer: id)
                .signed(with: sign).bytes
            let expected = headCounter == 0 ? "null" : String(headCounter)
            let body = "{\"writes\":[\(writes.joined(separator: ","))],\"head\":{\"counter\":\(headCounter + 1),"
                + "\"head\":\"\(Base64URL.encode(head))\",\"expected_counter\":\(expected)}}"
            let sent = monotonicNs()
            guard let r = timed("write", "POST", "/v1/records", body: body) else { return }
            if r.status == 200, let seq = (r.json["seq"] as? NSNumber)?.int64Value {
                headCounter += 1
                mirror = after
                tally.writes.append((seq, sent))
                return
            }
            guard r.status == 409, r.errorCode == "head_conflict" else {
                tally.error("write: \(r.status) \(r.errorCode)")
                return
            }
            tally.headConflicts += 1
            pull()
        }
        tally.error("write: head_conflict 5 times in a row")
    }

    /// One request on the device's connection (opened on first use), timed and counted; nil
    /// (with the failure counted) when the connection failed, which also drops it so that the
    /// next request reconnects.
    private func timed(_ kind: String, _ method: String, _ path: String, body: String? = nil) -> LoadResponse? {
        tally.request(kind)
        let start = monotonicNs()
        do {
            if connection == nil { connection = try LoadConnection(port: port, source: address) }
            let r = try connection!.request(method, path, body: body, token: token)
            let ms = Double(monotonicNs() - start) / 1e6
            if kind == "pull" { tally.pullMs.append(ms) } else { tally.writeMs.append(ms) }
            return r
        } catch let failure as LoadFailure {
            tally.error("\(kind): \(failure.kind)")
        } catch {
            tally.error("\(kind): \(error)")
        }
        connection = nil
        return nil
    }

    /// A request while setting up, on the device's connection; failures end the run.
    func setupRequest(_ method: String, _ path: String, body: String? = nil, token: String? = nil) throws -> LoadResponse {
        if connection == nil { connection = try LoadConnection(port: port, source: address, timeout: 30) }
        return try connection!.request(method, path, body: body, token: token)
    }

    private var keysJSON: String {
        "{\"device_id\":\"\(id.hex)\",\"sign_key\":\"\(Base64URL.encode(sign.publicKey))\",\"box_key\":\"\(Base64URL.encode(box.publicKey))\"}"
    }

    /// A fresh `device` challenge and this device's signature over it for its account.
    private func signedChallenge() throws -> (String, String) {
        let c = try setupRequest("POST", "/v1/auth/challenge", body: #"{"purpose":"device"}"#)
        guard c.status == 200, let text = c.json["challenge"] as? String else {
            throw LoadError("device \(index): challenge answered \(c.status): \(String(decoding: c.body, as: UTF8.self).prefix(200))")
        }
        let challenge = try AuthChallenge(text: text)
        let signature = sign.sign(AuthMessage.device(accountID: accountID, deviceID: id, challenge: challenge))
        return (text, Base64URL.encode(signature))
    }
}

/// Monotonic time in nanoseconds.
func monotonicNs() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Seconds as nanoseconds.
func nanoseconds(_ seconds: Double) -> UInt64 { UInt64(max(0, seconds) * 1e9) }
