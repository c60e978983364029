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

    /// A batch of `count` new records with head `counter`.
    func batch(count: Int, counter: Int, recordBytes: Int = 1500) -> String {
        let v = RecordVersion(hlc: UInt64(counter) << 16, device: id).description
        let writes = (0..<count).map { _ in
            "{\"record_id\":\"\(RecordID.random().hex)\",\"kind\":1,\"version\":\"\(v)\",\"epoch\":1,\"deleted\":false,"
                + "\"sealed\":\"\(Base64URL.encode([1] + SecureRandom.bytes(recordBytes - 1)))\",\"expected_version\":null}"
        }
        let expected = counter == 1 ? "null" : String(counter - 1)
        return "{\"writes\":[\(writes.joined(separator: ","))],\"head\":{\"counter\":\(counter),\"head\":\"\(Base64URL.encode([1, 2, 3]))\",\"expected_counter\":\(expected)}}"
    }
}
