import Foundation
import Testing
import TwofoldProtocol

/// Linking a new device with real `twofold-relay` and `twofold` processes (issue 6,
/// Protocol/devices.md, "Linking"): `twofold link` on the new home shows a code and waits,
/// `twofold approve CODE` on an existing device admits it. A relay that swaps keys is
/// played by a proxy between the devices and the real relay.
@Suite("Linking end to end", .serialized)
struct LinkingTests {
    /// An account on device A with two tokens, synced.
    static func accountWithTokens(_ lab: Lab) throws -> Device {
        let a = lab.device("a")
        let created = try a.run(["init", "--no-passphrase", "--relay", lab.relay.url, "--recovery-key-file",
                                 lab.root.appendingPathComponent("words.txt").path])
        precondition(created.status == 0, created.stderr)
        #expect(try a.run(["add", "--issuer", "GitHub", "--account", "alice", "--secret", "JBSWY3DPEHPK3PXP"]).status == 0)
        #expect(try a.run(["add", "--issuer", "Bank", "--account", "alice", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
                           "--algorithm", "sha256", "--digits", "8"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        return a
    }

    /// `codes --json` at a fixed time, as comparable lines.
    static func codes(_ device: Device) throws -> [String] {
        let out = try device.run(["codes", "--json", "--at", "1767225600"]).stdout
        let array = (try JSONSerialization.jsonObject(with: Data(out.utf8))) as? [[String: Any]] ?? []
        return array.map { "\($0["id"] ?? ""):\($0["issuer"] ?? ""):\($0["code"] ?? "")" }.sorted()
    }

    /// The relay's records and devices, to show that a refused approval wrote nothing.
    static func relayState(_ lab: Lab) throws -> String {
        try sqlite(lab.relay.data.appendingPathComponent("relay.sqlite").path,
                   "select (select count(*) from record), (select coalesce(max(seq), 0) from record), (select count(*) from device)")
    }

    static func fileExists(_ device: Device, _ name: String) -> Bool {
        FileManager.default.fileExists(atPath: device.home.appendingPathComponent(name).path)
    }

    @Test func linkAndApproveThenTheNewDeviceHasEverythingAndBothSync() throws {
        let lab = try Lab()
        let a = try Self.accountWithTokens(lab)
        let n = lab.device("n")
        let link = try LinkProcess(n, ["link", "--relay", lab.relay.url, "--no-passphrase", "--device-name", "phone"])
        let code = try #require(link.waitForCode(), "no code: \(link.output)")
        #expect(link.output.contains("twofold approve \(code) --name 'phone'"))
        #expect(link.output.contains("expires at"))
        #expect(link.output.contains("▀") || link.output.contains("▄"))  // the QR code
        #expect(Self.fileExists(n, "link-request.json"))
        #expect(!Self.fileExists(n, "vault.sqlite"))

        let approved = try a.run(["approve", code.lowercased(), "--name", "phone"])
        #expect(approved.status == 0, "\(approved.stderr)")
        #expect(approved.stdout.contains("Approved device"))
        let linked = link.wait()
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(linked.stdout.contains("Linked: 2 tokens arrived"))
        #expect(!Self.fileExists(n, "link-request.json"))

        // Identical tokens and codes.
        #expect(try n.tokens() == a.tokens())
        #expect(try Self.codes(n) == Self.codes(a))
        #expect(try Self.codes(n).count == 2)

        // Changes flow both ways after linking.
        #expect(try n.run(["add", "--issuer", "FromN", "--account", "x", "--secret", "JBSWY3DPEHPK3PXS"]).status == 0)
        #expect(try n.run(["sync"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        #expect(try a.tokens().contains("FromN:x:"))
        #expect(try a.run(["add", "--issuer", "FromA", "--account", "y", "--secret", "JBSWY3DPEHPK3PXT"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        #expect(try n.run(["sync"]).status == 0)
        #expect(try n.tokens() == a.tokens())
        #expect(try n.tokens().count == 4)

        // The code worked once.
        let again = try a.run(["approve", code])
        #expect(again.status == 1)
        #expect(again.stderr.contains("link_not_found") && again.stderr.contains("10 minutes"), "\(again.stderr)")
    }

    /// [SYN-21] with real processes: A and B approve a new device each at the same moment,
    /// so both write the roster from the same copy. Whichever push lands second finds its
    /// roster edit replaced by the relay's new copy and adds its device again from it;
    /// both new devices end up in every device's roster, and all four sync.
    @Test func twoDevicesApprovingAtOnceKeepBothNewDevices() throws {
        let lab = try Lab()
        let (a, b, _, _) = try lab.pair()
        #expect(try a.run(["add", "--issuer", "GitHub", "--account", "alice", "--secret", "JBSWY3DPEHPK3PXP"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        let n1 = lab.device("n1"), n2 = lab.device("n2")
        let link1 = try LinkProcess(n1, ["link", "--relay", lab.relay.url, "--no-passphrase", "--device-name", "phone"])
        let link2 = try LinkProcess(n2, ["link", "--relay", lab.relay.url, "--no-passphrase", "--device-name", "tablet"])
        let code1 = try #require(link1.waitForCode(), "no code: \(link1.output)")
        let code2 = try #require(link2.waitForCode(), "no code: \(link2.output)")

        let approvals = [(a, code1, "phone"), (b, code2, "tablet")]
        let results = [Shared<Device.Result>(), Shared<Device.Result>()]
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let (device, code, name) = approvals[i]
            results[i].value = try? device.run(["approve", code, "--name", name])
        }
        for (i, result) in results.map(\.value).enumerated() {
            #expect(result?.status == 0, "approval \(i): \(result?.stderr ?? "did not run")")
        }
        #expect(link1.wait().status == 0)
        #expect(link2.wait().status == 0)

        let everyone = [a, b, n1, n2]
        for device in everyone + everyone {
            let synced = try device.run(["sync"])
            #expect(synced.status == 0, "\(device.home.lastPathComponent): \(synced.stderr)")
        }
        for device in everyone {
            let listed = try device.run(["devices", "--json"])
            let names = ((try? JSONSerialization.jsonObject(with: Data(listed.stdout.utf8))) as? [[String: Any]] ?? [])
                .compactMap { $0["name"] as? String }
            #expect(names.contains("phone") && names.contains("tablet") && names.count == 4,
                    "\(device.home.lastPathComponent) lists \(names)")
            #expect(try device.tokens() == ["GitHub:alice:"])
        }
    }

    @Test func aMistypedCodeIsRefusedAndTheRightOneStillWorks() throws {
        let lab = try Lab()
        let a = try Self.accountWithTokens(lab)
        let n = lab.device("n")
        let link = try LinkProcess(n, ["link", "--relay", lab.relay.url, "--no-passphrase"])
        let code = try #require(link.waitForCode(), "no code: \(link.output)")
        let before = try Self.relayState(lab)

        // Malformed: refused before the vault or the relay is touched.
        let short = try a.run(["approve", String(code.dropLast())])
        #expect(short.status == 1 && short.stderr.contains("31 characters instead of 32"), "\(short.stderr)")
        let letterU = try a.run(["approve", "U" + code.dropFirst()])
        #expect(letterU.status == 1 && letterU.stderr.contains("'U', is not a code character"), "\(letterU.stderr)")

        // One character of the secret half wrong: the offer tag does not match [DEV-7].
        let wrongSecret = try a.run(["approve", mistype(code, at: code.count - 1)])
        #expect(wrongSecret.status == 1)
        #expect(wrongSecret.stderr.contains("the code does not match the device that asked to link"), "\(wrongSecret.stderr)")
        // One character of the rendezvous half wrong: no such mailbox.
        let wrongMailbox = try a.run(["approve", mistype(code, at: 0)])
        #expect(wrongMailbox.status == 1 && wrongMailbox.stderr.contains("no device is waiting with this code"), "\(wrongMailbox.stderr)")
        #expect(try Self.relayState(lab) == before)
        #expect(try a.json(["status", "--json"])["pending"] as? Int == 0)

        // The right code still links.
        let approved = try a.run(["approve", code])
        #expect(approved.status == 0, "\(approved.stderr)")
        let linked = link.wait()
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(try n.tokens() == a.tokens())
    }

    /// [DEV-7]: the relay replaces the new device's X25519 key in the offer (so that the
    /// vault key would be sealed to a key of its own). The approving device refuses with a
    /// clear error and writes nothing: not the roster, not a reply.
    @Test func aRelayThatSwapsTheOfferedKeysIsRefusedByTheApprovingDevice() throws {
        let lab = try Lab()
        let a = try Self.accountWithTokens(lab)
        let proxy = try ClockSkewProxy(upstreamPort: lab.relay.port, skewMs: 0)
        defer { proxy.stop() }
        let intruderKey = Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255) })
        proxy.rewrite(requests: { line, _, body in
            guard line.hasPrefix("POST /v1/link HTTP") else { return nil }
            return rewriteJSON(body) { json in
                var device = json["device"] as? [String: Any] ?? [:]
                device["box_key"] = intruderKey
                json["device"] = device
            }
        })
        let n = lab.device("n")
        let link = try LinkProcess(n, ["link", "--relay", proxy.url, "--no-passphrase"])
        defer { link.stop() }
        let code = try #require(link.waitForCode(), "no code: \(link.output)")
        let before = try Self.relayState(lab)
        let rosterBefore = try a.json(["status", "--json"])

        let refused = try a.run(["approve", code])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the code does not match the device that asked to link"), "\(refused.stderr)")
        #expect(refused.stderr.contains("Nothing was sent or changed"))
        #expect(try Self.relayState(lab) == before)  // no roster write, no device registered
        let rosterAfter = try a.json(["status", "--json"])
        #expect(rosterAfter["pending"] as? Int == 0)
        #expect(rosterAfter["last_sync"] as? NSObject == rosterBefore["last_sync"] as? NSObject)  // no sync ran
        #expect(!Self.fileExists(n, "vault.sqlite"))
    }

    /// [DEV-8]: the relay changes the reply on its way to the new device — the grant (a
    /// vault key of its own) or the approving device's keys. The new device refuses,
    /// opens nothing and creates no vault.
    @Test(arguments: ["grant", "from_device"])
    func aRelayThatTampersTheReplyIsRefusedByTheNewDevice(_ field: String) throws {
        let lab = try Lab()
        let a = try Self.accountWithTokens(lab)
        let proxy = try ClockSkewProxy(upstreamPort: lab.relay.port, skewMs: 0)
        defer { proxy.stop() }
        proxy.rewrite(responses: { line, status, body in
            guard status == 200, line.hasPrefix("POST /v1/link/"), line.contains("/collect ") else { return nil }
            return rewriteJSON(body) { json in
                if field == "grant" {
                    var grant = Base64URL.decode(json["grant"] as? String ?? "") ?? []
                    if !grant.isEmpty { grant[grant.count / 2] ^= 1 }
                    json["grant"] = Base64URL.encode(grant)
                } else {
                    var device = json["from_device"] as? [String: Any] ?? [:]
                    device["sign_key"] = Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255) })
                    json["from_device"] = device
                }
            }
        })
        let n = lab.device("n")
        let link = try LinkProcess(n, ["link", "--relay", proxy.url, "--no-passphrase"])
        defer { link.stop() }
        let code = try #require(link.waitForCode(), "no code: \(link.output)")
        #expect(try a.run(["approve", code]).status == 0)
        let refused = link.wait()
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("reply tag mismatch") && refused.stderr.contains("nothing was opened or saved"),
                "\(refused.stderr)")
        #expect(!Self.fileExists(n, "vault.sqlite"))
        #expect(!Self.fileExists(n, "vault.key"))
        #expect(!Self.fileExists(n, "link-request.json"))
    }

    /// [DEV-9]: a reply whose tag checks (made by someone who also read the code) but
    /// names an approving device whose keys the roster does not list: the new device
    /// pulls, finds the roster disagrees, and keeps nothing.
    @Test func theNewDeviceChecksTheRosterListsItAndTheApprovingDevice() throws {
        let lab = try Lab()
        let a = try Self.accountWithTokens(lab)
        let proxy = try ClockSkewProxy(upstreamPort: lab.relay.port, skewMs: 0)
        defer { proxy.stop() }
        let shown = Shared<String>()
        proxy.rewrite(responses: { line, status, body in
            guard status == 200, line.hasPrefix("POST /v1/link/"), line.contains("/collect "),
                  let text = shown.value, let code = try? LinkCode(text: text) else { return nil }
            return rewriteJSON(body) { json in
                guard let account = try? AccountID(hex: json["account_id"] as? String ?? ""),
                      let epoch = json["epoch"] as? Int, let grant = Base64URL.decode(json["grant"] as? String ?? ""),
                      var from = json["from_device"] as? [String: Any],
                      let fromID = try? DeviceID(hex: from["device_id"] as? String ?? ""),
                      let box = Base64URL.decode(from["box_key"] as? String ?? "") else { return }
                let otherSign = (0..<32).map { _ in UInt8.random(in: 0...255) }
                from["sign_key"] = Base64URL.encode(otherSign)
                json["from_device"] = from
                json["tag"] = Base64URL.encode(code.linkKey.replyTag(
                    rendezvousID: code.rendezvousID, account: account, epoch: UInt32(epoch), fromDevice: fromID,
                    fromSignKey: otherSign, fromBoxKey: box, grant: grant))
            }
        })
        let n = lab.device("n")
        let link = try LinkProcess(n, ["link", "--relay", proxy.url, "--no-passphrase"])
        defer { link.stop() }
        let code = try #require(link.waitForCode(), "no code: \(link.output)")
        shown.value = code
        #expect(try a.run(["approve", code]).status == 0)
        let refused = link.wait()
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("roster does not list the approving device"), "\(refused.stderr)")
        #expect(!Self.fileExists(n, "vault.sqlite"))
        #expect(!Self.fileExists(n, "link-request.json"))
    }

    /// A new device stopped while it waits shows the same code when started again, and
    /// the link then completes.
    @Test func aStoppedNewDeviceShowsTheSameCodeAgain() throws {
        let lab = try Lab()
        let a = try Self.accountWithTokens(lab)
        let n = lab.device("n")
        let first = try LinkProcess(n, ["link", "--relay", lab.relay.url, "--no-passphrase"])
        let code = try #require(first.waitForCode(), "no code: \(first.output)")
        first.stop()
        var st = stat()
        #expect(stat(n.home.appendingPathComponent("link-request.json").path, &st) == 0 && st.st_mode & 0o777 == 0o600)
        let second = try LinkProcess(n, ["link", "--relay", lab.relay.url, "--no-passphrase"])
        #expect(second.waitForCode() == code)
        #expect(second.output.contains("Still waiting with the code shown before"))
        #expect(try a.run(["approve", code]).status == 0)
        let linked = second.wait()
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(try n.tokens() == a.tokens())
    }
}

extension LinkingTests {
    /// Names in the approving device's roster (`devices --json`).
    static func rosterNames(_ device: Device) throws -> [String] {
        let out = try device.run(["devices", "--json"]).stdout
        let array = (try JSONSerialization.jsonObject(with: Data(out.utf8))) as? [[String: Any]] ?? []
        return array.compactMap { $0["name"] as? String }
    }

    /// Devices.md "Interrupted": the existing device persisted the pending link and wrote
    /// the roster, but its reply did not reach the relay. The next `twofold approve`
    /// finishes it while the mailbox lives; once the mailbox has expired it writes the
    /// roster without the new device instead.
    @Test func anInterruptedApprovalIsFinishedOrUndoneOnTheNextRun() throws {
        let lab = try Lab()
        let proxy = try ClockSkewProxy(upstreamPort: lab.relay.port, skewMs: 0)
        defer { proxy.stop() }
        let a = lab.device("a")
        let created = try a.run(["init", "--no-passphrase", "--relay", proxy.url, "--recovery-key-file",
                                 lab.root.appendingPathComponent("words.txt").path])
        try #require(created.status == 0, "\(created.stderr)")
        #expect(try a.run(["add", "--issuer", "GitHub", "--account", "alice", "--secret", "JBSWY3DPEHPK3PXP"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        let breakReplies: ClockSkewProxy.Rewrite = { line, _, _ in
            line.hasPrefix("POST /v1/link/") && line.contains("/reply ") ? Array("{".utf8) : nil
        }

        // 1. The reply fails; the mailbox still lives: the next run finishes the link.
        proxy.rewrite(requests: breakReplies)
        let n = lab.device("n")
        let link = try LinkProcess(n, ["link", "--relay", lab.relay.url, "--no-passphrase"])
        defer { link.stop() }
        let code = try #require(link.waitForCode(), "no code: \(link.output)")
        let failed = try a.run(["approve", code, "--name", "phone"])
        #expect(failed.status == 1, "\(failed.stdout)")
        #expect(try Self.rosterNames(a).contains("phone"))  // step 7 was done
        proxy.rewrite()
        let resumed = try a.run(["approve"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("Finished the link of device"), "\(resumed.stdout)")
        let linked = link.wait()
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(try n.tokens() == a.tokens())

        // 2. The reply fails and the mailbox expires: the next run takes the device out again.
        proxy.rewrite(requests: breakReplies)
        let m = lab.device("m")
        let second = try LinkProcess(m, ["link", "--relay", lab.relay.url, "--no-passphrase"])
        defer { second.stop() }
        let code2 = try #require(second.waitForCode(), "no code: \(second.output)")
        #expect(try a.run(["approve", code2, "--name", "tablet"]).status == 1)
        #expect(try Self.rosterNames(a).contains("tablet"))
        _ = try sqlite(lab.relay.data.appendingPathComponent("relay.sqlite").path,
                       "update mailbox set expires_at_ms = 0")
        proxy.rewrite()
        let undone = try a.run(["approve"])
        #expect(undone.status == 0, "\(undone.stderr)")
        #expect(undone.stdout.contains("expired: it was taken out of the roster again"), "\(undone.stdout)")
        let names = try Self.rosterNames(a)
        #expect(names.contains("phone") && !names.contains("tablet"), "\(names)")
        let expired = second.wait()
        #expect(expired.status == 1)
        #expect(expired.stderr.contains("expired"), "\(expired.stderr)")
        #expect(!Self.fileExists(m, "vault.sqlite"))
        // Nothing is left pending.
        let nothing = try a.run(["approve"])
        #expect(nothing.status == 1 && nothing.stderr.contains("no unfinished link"), "\(nothing.stderr)")
    }
}

/// `code` with character `index` (of the 32, separators not counted) replaced by the next one of the alphabet.
func mistype(_ code: String, at index: Int) -> String {
    let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    var characters = Array(code)
    let positions = characters.indices.filter { characters[$0] != "-" }
    let at = positions[min(index, positions.count - 1)]
    characters[at] = alphabet[((alphabet.firstIndex(of: characters[at]) ?? 0) + 1) % alphabet.count]
    return String(characters)
}

/// A JSON object body changed by `change`, re-encoded.
func rewriteJSON(_ body: [UInt8], _ change: (inout [String: Any]) -> Void) -> [UInt8]? {
    guard var json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return nil }
    change(&json)
    return (try? JSONSerialization.data(withJSONObject: json)).map { Array($0) }
}

/// One SQL statement on the relay's SQLite file, committed; its rows (python3's sqlite3, as the other end-to-end tests use).
func sqlite(_ database: String, _ query: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchall(); c.commit(); print(r)",
                         database, query]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw TamperFailure() }
    return String(decoding: data, as: UTF8.self)
}

/// A value set by the test and read by a proxy thread.
final class Shared<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T?
    var value: T? {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }

    /// Replaces the value with `change(value)` under the lock (a read-modify-write no other
    /// thread can interleave with).
    func update(_ change: (T?) -> T) {
        lock.lock()
        stored = change(stored)
        lock.unlock()
    }
}

/// `twofold link`, running in the background: its output as it comes, the code it shows.
final class LinkProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    init(_ device: Device, _ args: [String], input: String = "") throws {
        process.executableURL = productsDirectory.appendingPathComponent("twofold")
        process.arguments = ["--home", device.home.path] + args
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TWOFOLD_HOME")
        process.environment = env
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        stdout.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.lock(); self.out += data; self.lock.unlock()
        }
        stderr.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.lock(); self.err += data; self.lock.unlock()
        }
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
    }

    var output: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: out, as: UTF8.self)
    }

    var errors: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: err, as: UTF8.self)
    }

    /// The code once it is printed (within 30 s), or nil.
    func waitForCode(timeout: TimeInterval = 30) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let match = output.firstMatch(of: /Link code: ([0-9A-Z]{4}(?:-[0-9A-Z]{4}){7})/) { return String(match.output.1) }
            if !process.isRunning { usleep(100_000); return output.firstMatch(of: /Link code: ([0-9A-Z-]{39})/).map { String($0.output.1) } }
            usleep(50_000)
        }
        return nil
    }

    /// Waits for the process to end (at most `timeout`, then stops it).
    func wait(timeout: TimeInterval = 60) -> Device.Result {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { stop() }
        process.waitUntilExit()
        usleep(100_000)  // the last output
        return Device.Result(status: process.terminationStatus, stdout: output, stderr: errors)
    }

    /// SIGTERM, then SIGKILL.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
