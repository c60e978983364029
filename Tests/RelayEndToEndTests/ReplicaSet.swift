import Foundation
import LoopbackHTTP
import TwofoldCrypto
import TwofoldProtocol

/// Several real `twofold-relay serve` processes on one fresh PostgreSQL database (issue 8).
/// The server is `TWOFOLD_TEST_POSTGRES_URL` (scripts/postgres-test-cluster); the database is
/// dropped and every process killed by ``cleanUp()``.
final class ReplicaSet: @unchecked Sendable {
    static let serverURL: String? = ProcessInfo.processInfo.environment["TWOFOLD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    /// Limits high enough that only the test's own logic refuses anything.
    static let environment = ["TWOFOLD_RELAY_DEVICE_RATE": "100000", "TWOFOLD_RELAY_DEVICE_BURST": "100000",
                              "TWOFOLD_RELAY_ADDRESS_RATE": "100000", "TWOFOLD_RELAY_ADDRESS_BURST": "100000",
                              "TWOFOLD_RELAY_ACCOUNTS_PER_HOUR": "100000", "TWOFOLD_RELAY_RECOVERY_PER_ADDRESS_PER_HOUR": "100000",
                              "TWOFOLD_RELAY_RECOVERY_PER_ACCOUNT_PER_HOUR": "100000"]

    let databaseURL: String
    let database: String
    private(set) var replicas: [RelayProcess] = []

    /// Creates a database and starts `count` replicas on it.
    init(count: Int) throws {
        guard let server = Self.serverURL, let q = server.range(of: "/", options: .backwards, range: server.range(of: "@")!.upperBound..<server.endIndex) else {
            throw RelayProcessError("TWOFOLD_TEST_POSTGRES_URL is not postgres://USER@HOST:PORT/DB: see scripts/postgres-test-cluster")
        }
        database = "e2e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let query = server[q.upperBound...].firstIndex(of: "?").map { String(server[$0...]) } ?? ""
        databaseURL = String(server[..<q.upperBound]) + database + query
        try Self.psql(server, "CREATE DATABASE \(database)")
        for _ in 0..<count { try add() }
    }

    /// Starts one more replica.
    @discardableResult
    func add() throws -> RelayProcess {
        let relay = RelayProcess()
        replicas.append(relay)
        try relay.start(["--registration", "open", "--database", databaseURL], environment: Self.environment)
        return relay
    }

    /// Kills every replica and drops the database.
    func cleanUp() {
        for r in replicas { r.cleanUp() }
        if let server = Self.serverURL { try? Self.psql(server, "DROP DATABASE IF EXISTS \(database) WITH (FORCE)") }
    }

    /// Runs `twofold-relay` with `arguments`; status and output.
    static func command(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        try RelayProcess.run(arguments)
    }

    /// Runs one statement with `psql` (installed with the server by scripts/postgres-test-cluster).
    static func psql(_ url: String, _ sql: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw RelayProcessError("psql \(sql): \(String(decoding: text, as: UTF8.self))") }
    }
}

/// A device of a relay account, with what it needs to act through any replica: it keeps the
/// recovery key, so a second device can join by recovery claim.
struct ReplicaDevice {
    let account: AccountID
    let id = DeviceID.random()
    let sign = Ed25519KeyPair.generate()
    let box = X25519KeyPair.generate()
    var token = ""

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    static func challenge(port: Int, purpose: String) throws -> (text: String, challenge: AuthChallenge) {
        let r = try RawHTTP.request(port: port, "POST", "/v1/auth/challenge", body: "{\"purpose\":\"\(purpose)\"}")
        let text = json(r.body)["challenge"] as? String ?? ""
        return (text, try AuthChallenge(text: text))
    }

    /// Creates an account through `port`; returns its first device and the recovery key pair.
    static func createAccount(port: Int) throws -> (ReplicaDevice, recovery: Ed25519KeyPair) {
        var device = ReplicaDevice(account: .random())
        let recovery = Ed25519KeyPair.generate(), recoveryBox = X25519KeyPair.generate()
        let (text, challenge) = try Self.challenge(port: port, purpose: "device")
        let signature = device.sign.sign(AuthMessage.device(accountID: device.account, deviceID: device.id, challenge: challenge))
        let grant = Base64URL.encode(SecureRandom.bytes(101))
        let body = """
            {"account_id":"\(device.account.hex)",
             "device":{"device_id":"\(device.id.hex)","sign_key":"\(Base64URL.encode(device.sign.publicKey))","box_key":"\(Base64URL.encode(device.box.publicKey))"},
             "recovery":{"sign_key":"\(Base64URL.encode(recovery.publicKey))","box_key":"\(Base64URL.encode(recoveryBox.publicKey))"},
             "grants":[{"recipient":"\(device.id.hex)","sealed":"\(grant)"},{"recipient":"recovery","sealed":"\(grant)"}],
             "challenge":"\(text)","signature":"\(Base64URL.encode(signature))"}
            """
        let r = try RawHTTP.request(port: port, "POST", "/v1/accounts", body: body)
        guard r.status == 201 else { throw RelayProcessError("account creation answered \(r.status): \(r.body)") }
        device.token = json(r.body)["access_token"] as? String ?? ""
        return (device, recovery)
    }

    /// A second device of `account`, registered through `port` with the recovery key.
    static func claim(account: AccountID, recovery: Ed25519KeyPair, port: Int) throws -> ReplicaDevice {
        var device = ReplicaDevice(account: account)
        let (text, challenge) = try Self.challenge(port: port, purpose: "recovery")
        let message = try AuthMessage.recovery(kind: .recoveryKey, recoveryPublicKey: recovery.publicKey, deviceID: device.id,
                                               deviceSigningKey: device.sign.publicKey, deviceBoxKey: device.box.publicKey, challenge: challenge)
        let body = """
            {"account_id":"\(account.hex)","key_kind":"recovery_key","public_key":"\(Base64URL.encode(recovery.publicKey))",
             "device":{"device_id":"\(device.id.hex)","sign_key":"\(Base64URL.encode(device.sign.publicKey))","box_key":"\(Base64URL.encode(device.box.publicKey))"},
             "challenge":"\(text)","signature":"\(Base64URL.encode(recovery.sign(message)))"}
            """
        let r = try RawHTTP.request(port: port, "POST", "/v1/recovery/claim", body: body)
        guard r.status == 200 else { throw RelayProcessError("recovery claim answered \(r.status): \(r.body)") }
        device.token = json(r.body)["access_token"] as? String ?? ""
        return device
    }

    /// A push of one write to `record` (new when `expected` is nil) with head `counter`:
    /// the account holds this one record, so the head covers it alone (the relay checks
    /// the head's count and digest, sync.md "Pushing" [SYN-26]).
    func write(_ record: RecordID, expected: String?, counter: Int, hlc: UInt64) -> (body: String, version: String) {
        let stamp = RecordVersion(hlc: hlc, device: id)
        let version = stamp.description
        let header = RecordHeader(account: account, id: record, kind: .token, version: stamp, epoch: 1, deleted: false)
        let head = Head(account: account, counter: UInt64(counter), epoch: 1, records: [header], signer: id).signed(with: sign).bytes
        let body = """
            {"writes":[{"record_id":"\(record.hex)","kind":1,"version":"\(version)","epoch":1,"deleted":false,
             "sealed":"\(Base64URL.encode([1] + SecureRandom.bytes(296)))","expected_version":\(expected.map { "\"\($0)\"" } ?? "null")}],
             "head":{"counter":\(counter),"head":"\(Base64URL.encode(head))","expected_counter":\(counter == 1 ? "null" : String(counter - 1))}}
            """
        return (body, version)
    }

    /// Opens `GET /v1/events` through `port` and reads the first event.
    func openStream(port: Int, timeout: TimeInterval = 10) throws -> (RawHTTP, String) {
        let stream = try RawHTTP(port: port, timeout: timeout)
        try stream.send("GET", "/v1/events", token: token)
        return (stream, stream.read(until: "event: records"))
    }
}
