import Foundation
import LoopbackHTTP
import TwofoldCrypto
import TwofoldProtocol

/// A device that talks to a real relay process: creates its account and signs in.
struct E2EDevice {
    let account = AccountID.random()
    let id = DeviceID.random()
    let sign = Ed25519KeyPair.generate()
    let box = X25519KeyPair.generate()
    var token = ""

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    func signedChallenge(port: Int) throws -> (String, String) {
        let r = try RawHTTP.request(port: port, "POST", "/v1/auth/challenge", body: #"{"purpose":"device"}"#)
        let text = Self.json(r.body)["challenge"] as? String ?? ""
        let challenge = try AuthChallenge(text: text)
        let signature = sign.sign(AuthMessage.device(accountID: account, deviceID: id, challenge: challenge))
        return (text, Base64URL.encode(signature))
    }

    /// `POST /v1/accounts`; the status, and the token on success.
    mutating func createAccount(port: Int, invite: String? = nil) throws -> Int {
        let (challenge, signature) = try signedChallenge(port: port)
        let grant = Base64URL.encode(SecureRandom.bytes(101))
        let recovery = Ed25519KeyPair.generate(), recoveryBox = X25519KeyPair.generate()
        let body = """
            {"account_id":"\(account.hex)",\(invite.map { "\"invite\":\"\($0)\"," } ?? "")
             "device":{"device_id":"\(id.hex)","sign_key":"\(Base64URL.encode(sign.publicKey))","box_key":"\(Base64URL.encode(box.publicKey))"},
             "recovery":{"sign_key":"\(Base64URL.encode(recovery.publicKey))","box_key":"\(Base64URL.encode(recoveryBox.publicKey))"},
             "grants":[{"recipient":"\(id.hex)","sealed":"\(grant)"},{"recipient":"recovery","sealed":"\(grant)"}],
             "challenge":"\(challenge)","signature":"\(signature)"}
            """
        let r = try RawHTTP.request(port: port, "POST", "/v1/accounts", body: body)
        token = Self.json(r.body)["access_token"] as? String ?? ""
        return r.status
    }

    /// `POST /v1/auth/token`: signs in with a fresh challenge; the status and the body.
    func signIn(port: Int) throws -> (status: Int, body: String) {
        let (challenge, signature) = try signedChallenge(port: port)
        return try RawHTTP.request(port: port, "POST", "/v1/auth/token", body: """
            {"account_id":"\(account.hex)","device_id":"\(id.hex)","challenge":"\(challenge)","signature":"\(signature)"}
            """)
    }

    /// The metadata of every record the relay holds for the account: the mirror a device
    /// builds its heads over (sync.md, "Pushing").
    func relaySet(port: Int) throws -> [RecordID: RecordHeader] {
        var set: [RecordID: RecordHeader] = [:]
        var after = 0
        while true {
            let page = Self.json(try RawHTTP.request(port: port, "GET", "/v1/records?after=\(after)&limit=1000", token: token).body)
            for r in page["records"] as? [[String: Any]] ?? [] {
                guard let id = (r["record_id"] as? String).flatMap({ try? RecordID(hex: $0) }),
                      let v = (r["version"] as? String).flatMap({ try? RecordVersion(text: $0) }),
                      let kind = (r["kind"] as? Int).flatMap({ RecordKind(rawValue: UInt8($0)) }),
                      let epoch = r["epoch"] as? Int, let deleted = r["deleted"] as? Bool else { continue }
                set[id] = RecordHeader(account: account, id: id, kind: kind, version: v, epoch: UInt32(epoch), deleted: deleted)
                after = max(after, r["seq"] as? Int ?? after)
            }
            guard page["more"] as? Bool == true else { return set }
        }
    }

    /// A batch of `count` new records (`recordBytes` sealed bytes: 41 plus a power of two)
    /// with head `counter`, over `set` (the relay's set before it), which it updates.
    func batch(count: Int, counter: Int, over set: inout [RecordID: RecordHeader], recordBytes: Int = 2089) -> String {
        let stamp = RecordVersion(hlc: UInt64(counter) << 16, device: id)
        let v = stamp.description
        let writes = (0..<count).map { _ in
            let record = RecordID.random()
            set[record] = RecordHeader(account: account, id: record, kind: .token, version: stamp, epoch: 1, deleted: false)
            return "{\"record_id\":\"\(record.hex)\",\"kind\":1,\"version\":\"\(v)\",\"epoch\":1,\"deleted\":false,"
                + "\"sealed\":\"\(Base64URL.encode([1] + SecureRandom.bytes(recordBytes - 1)))\",\"expected_version\":null}"
        }
        let head = Head(account: account, counter: UInt64(counter), epoch: 1, records: set.values, signer: id).signed(with: sign).bytes
        let expected = counter == 1 ? "null" : String(counter - 1)
        return "{\"writes\":[\(writes.joined(separator: ","))],\"head\":{\"counter\":\(counter),\"head\":\"\(Base64URL.encode(head))\",\"expected_counter\":\(expected)}}"
    }
}
