import Foundation
import LoopbackHTTP
import TwofoldCrypto
import TwofoldProtocol

// twofold-relay-load: the relay's own load helper (scripts/bench-relay, scripts/bench-load,
// scripts/schemathesis).
//
//   twofold-relay-load account PORT [RECORDS [BYTES]]   create an account on an open relay, push RECORDS
//                                                       records of BYTES sealed bytes; print "ACCOUNT DEVICE COUNTER TOKEN"
//   twofold-relay-load tokens PORT COUNT                create COUNT accounts (no records) on an open relay and
//                                                       print one access token a line
//   twofold-relay-load streams PORT TOKENFILE COUNT     open COUNT idle push streams (tokens one per line,
//                                                       used round-robin), print "ready N", hold them until stdin closes
//   twofold-relay-load devices PORT COUNT SECONDS [PER_ACCOUNT [PULL_S [WRITE_S]]]
//                                                       COUNT simulated devices (accounts of PER_ACCOUNT, default 4)
//                                                       for SECONDS: push streams, pulls every ~PULL_S (5) s and on
//                                                       push, writes every ~WRITE_S (10) s; print a report (DeviceLoad)

struct LoadError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

func json(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
}

func createAccount(port: Int, records: Int, bytes: Int) throws -> String {
    let account = AccountID.random(), device = DeviceID.random()
    let sign = Ed25519KeyPair.generate(), box = X25519KeyPair.generate()
    let recovery = Ed25519KeyPair.generate(), recoveryBox = X25519KeyPair.generate()
    let c = try RawHTTP.request(port: port, "POST", "/v1/auth/challenge", body: #"{"purpose":"device"}"#)
    let text = json(c.body)["challenge"] as? String ?? ""
    let challenge = try AuthChallenge(text: text)
    let signature = Base64URL.encode(sign.sign(AuthMessage.device(accountID: account, deviceID: device, challenge: challenge)))
    let grant = Base64URL.encode(SecureRandom.bytes(101))
    let body = """
        {"account_id":"\(account.hex)","device":{"device_id":"\(device.hex)","sign_key":"\(Base64URL.encode(sign.publicKey))","box_key":"\(Base64URL.encode(box.publicKey))"},\
        "recovery":{"sign_key":"\(Base64URL.encode(recovery.publicKey))","box_key":"\(Base64URL.encode(recoveryBox.publicKey))"},\
        "grants":[{"recipient":"\(device.hex)","sealed":"\(grant)"},{"recipient":"recovery","sealed":"\(grant)"}],\
        "challenge":"\(text)","signature":"\(signature)"}
        """
    let r = try RawHTTP.request(port: port, "POST", "/v1/accounts", body: body)
    guard r.status == 201, let token = json(r.body)["access_token"] as? String else {
        throw LoadError("account creation answered \(r.status): \(r.body)")
    }
    var counter = 0
    var left = records
    // The relay refuses a sealed record of any length but 41 plus a power of two from 256,
    // and a head that does not describe its set (relay-api.md, "What the relay checks
    // without keys"): round BYTES up to a valid length, and sign real heads.
    var block = 256
    while block + 41 < bytes { block *= 2 }
    var set: [RecordHeader] = []
    while left > 0 || counter == 0 {
        let n = min(left, 500)
        left -= n
        counter += 1
        let stamp = RecordVersion(hlc: UInt64(counter) << 16, device: device)
        let v = stamp.description
        let ids = (0..<n).map { _ in RecordID.random() }
        set += ids.map { RecordHeader(account: account, id: $0, kind: .token, version: stamp, epoch: 1, deleted: false) }
        let writes = ids.map { record in
            "{\"record_id\":\"\(record.hex)\",\"kind\":1,\"version\":\"\(v)\",\"epoch\":1,\"deleted\":false,"
                + "\"sealed\":\"\(Base64URL.encode([1] + SecureRandom.bytes(block + 40)))\",\"expected_version\":null}"
        }
        let head = Head(account: account, counter: UInt64(counter), epoch: 1, records: set, signer: device).signed(with: sign).bytes
        let expected = counter == 1 ? "null" : String(counter - 1)
        let push = "{\"writes\":[\(writes.joined(separator: ","))],\"head\":{\"counter\":\(counter),\"head\":\"\(Base64URL.encode(head))\",\"expected_counter\":\(expected)}}"
        let p = try RawHTTP.request(port: port, "POST", "/v1/records", body: push, token: token)
        guard p.status == 200 else { throw LoadError("push answered \(p.status): \(p.body)") }
    }
    return "\(account.hex) \(device.hex) \(counter) \(token)"
}

func holdStreams(port: Int, tokens: [String], count: Int) throws {
    // One descriptor a stream: take the hard limit, and say so when even that is too few.
    try raiseDescriptorLimit(need: count + 16)
    var connections: [RawHTTP] = []
    connections.reserveCapacity(count)
    for i in 0..<count {
        let c: RawHTTP
        do {
            c = try RawHTTP(port: port, timeout: 30)
        } catch {
            let reason = String(cString: strerror(errno))
            throw LoadError("stream \(i) of \(count): \(error) (\(reason))")
        }
        try c.send("GET", "/v1/events", token: tokens[i % tokens.count])
        let first = c.read(until: "data: {\"seq\":")
        guard first.contains(" 200 ") else { throw LoadError("stream \(i) answered: \(first.prefix(200))") }
        connections.append(c)
    }
    print("ready \(connections.count)")
    fflush(nil)
    while readLine() != nil {}
    withExtendedLifetime(connections) {}
}

let args = CommandLine.arguments
do {
    switch args.count > 1 ? args[1] : "" {
    case "account" where args.count >= 3:
        print(try createAccount(port: Int(args[2]) ?? 0, records: args.count > 3 ? Int(args[3]) ?? 0 : 0,
                                bytes: args.count > 4 ? Int(args[4]) ?? 256 : 256))
    case "tokens" where args.count == 4:
        for _ in 0..<(Int(args[3]) ?? 0) {
            let line = try createAccount(port: Int(args[2]) ?? 0, records: 0, bytes: 0)
            print(String(line.split(separator: " ").last ?? ""))
        }
    case "streams" where args.count == 5:
        let tokens = try String(contentsOfFile: args[3], encoding: .utf8).split(separator: "\n").map(String.init)
        try holdStreams(port: Int(args[2]) ?? 0, tokens: tokens, count: Int(args[4]) ?? 0)
    case "devices" where (5...8).contains(args.count):
        let number = { (i: Int, fallback: Double) in args.count > i ? Double(args[i]) ?? fallback : fallback }
        let load = DeviceLoad(port: Int(args[2]) ?? 0, count: Int(args[3]) ?? 0, seconds: number(4, 60),
                              perAccount: max(1, Int(number(5, 4))), pullSeconds: number(6, 5), writeSeconds: number(7, 10))
        // Access tokens live 15 minutes and the load does not sign in again; streams would end.
        // Source addresses 127.0.10.1 to 127.0.254.250 (SimulatedDevice.address).
        guard (1...61_250).contains(load.count), load.seconds > 0, load.seconds <= 600, load.pullSeconds > 0, load.writeSeconds > 0 else {
            throw LoadError("devices: COUNT from 1 to 61250, SECONDS from 1 to 600 (the access tokens last 15 minutes), PULL_S and WRITE_S > 0")
        }
        try load.run()
    default:
        FileHandle.standardError.write(Data(("usage: twofold-relay-load account PORT [RECORDS [BYTES]] | tokens PORT COUNT | streams PORT TOKENFILE COUNT"
            + " | devices PORT COUNT SECONDS [PER_ACCOUNT [PULL_S [WRITE_S]]]\n").utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("twofold-relay-load: \(error)\n".utf8))
    exit(1)
}
