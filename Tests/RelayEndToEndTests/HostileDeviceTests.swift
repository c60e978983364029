import Foundation
import LoopbackHTTP
import Testing
import TwofoldCrypto
import TwofoldProtocol

/// An active device of an account that turns hostile, against the real `twofold-relay`
/// binary on loopback: each write every other device would refuse is refused by the relay
/// with 422 and a stable code, and the account is left as it was (sync.md, "Pushing",
/// step 3 [SYN-26]; relay-api.md, "What the relay checks without keys" [API-31]).
@Suite(.serialized) struct HostileDeviceTests {
    /// A push body of `writes` (JSON text) with `head` as given.
    static func push(_ writes: [String], head: [UInt8], counter: Int) -> String {
        let expected = counter == 1 ? "null" : String(counter - 1)
        return "{\"writes\":[\(writes.joined(separator: ","))],\"head\":{\"counter\":\(counter),\"head\":\"\(Base64URL.encode(head))\",\"expected_counter\":\(expected)}}"
    }

    static func write(_ id: RecordID, kind: Int = 1, version: RecordVersion, expected: RecordVersion?, sealed: [UInt8]) -> String {
        "{\"record_id\":\"\(id.hex)\",\"kind\":\(kind),\"version\":\"\(version)\",\"epoch\":1,\"deleted\":false,"
            + "\"sealed\":\"\(Base64URL.encode(sealed))\",\"expected_version\":\(expected.map { "\"\($0)\"" } ?? "null")}"
    }

    @Test func junkHeadsRecordsAndKindChangesFromAnActiveDeviceAreRefused() throws {
        let relay = RelayProcess()
        defer { relay.cleanUp() }
        try relay.start(["--registration", "open"])
        var device = E2EDevice()
        #expect(try device.createAccount(port: relay.port) == 201)
        // One good push: a token record, under a real head.
        let record = RecordID.random()
        let v1 = RecordVersion(hlc: 1 << 16, device: device.id), v2 = RecordVersion(hlc: 2 << 16, device: device.id)
        let good = RecordHeader(account: device.account, id: record, kind: .token, version: v1, epoch: 1, deleted: false)
        let head1 = Head(account: device.account, counter: 1, epoch: 1, records: [good], signer: device.id).signed(with: device.sign).bytes
        let sealed = [UInt8(1)] + SecureRandom.bytes(296)
        let first = try RawHTTP.request(port: relay.port, "POST", "/v1/records",
                                        body: Self.push([Self.write(record, version: v1, expected: nil, sealed: sealed)], head: head1, counter: 1),
                                        token: device.token)
        #expect(first.status == 200, "\(first.body)")

        let next = RecordHeader(account: device.account, id: record, kind: .token, version: v2, epoch: 1, deleted: false)
        let head2 = Head(account: device.account, counter: 2, epoch: 1, records: [next], signer: device.id).signed(with: device.sign).bytes
        let update = Self.write(record, version: v2, expected: v1, sealed: sealed)
        var garbage = SecureRandom.bytes(145)
        garbage[0] = 2
        let kindTwo = RecordHeader(account: device.account, id: record, kind: .hotpCounter, version: v2, epoch: 1, deleted: false)
        let kindHead = Head(account: device.account, counter: 2, epoch: 1, records: [kindTwo], signer: device.id).signed(with: device.sign).bytes
        let attacks: [(what: String, body: String, code: String)] = [
            ("a junk head", Self.push([update], head: garbage, counter: 2), "head_invalid"),
            ("a head over another set", Self.push([update], head: head1, counter: 2), "head_invalid"),
            ("a junk record", Self.push([Self.write(record, version: v2, expected: v1, sealed: [9] + SecureRandom.bytes(296))],
                                        head: head2, counter: 2), "record_invalid"),
            ("an undersized record", Self.push([Self.write(record, version: v2, expected: v1, sealed: [1])], head: head2, counter: 2),
             "record_invalid"),
            ("a kind change", Self.push([Self.write(record, kind: 2, version: v2, expected: v1, sealed: sealed)], head: kindHead, counter: 2),
             "record_invalid"),
        ]
        for attack in attacks {
            let r = try RawHTTP.request(port: relay.port, "POST", "/v1/records", body: attack.body, token: device.token)
            #expect(r.status == 422, "\(attack.what): \(r.body)")
            #expect(E2EDevice.json(r.body)["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == attack.code,
                    "\(attack.what): \(r.body)")
        }
        // Nothing of it landed: the head and the record are the good ones, and the honest
        // next push still goes through.
        let page = E2EDevice.json(try RawHTTP.request(port: relay.port, "GET", "/v1/records?after=0", token: device.token).body)
        #expect(page["latest_seq"] as? Int == 1)
        #expect((page["head"] as? [String: Any])?["counter"] as? Int == 1)
        #expect((page["records"] as? [[String: Any]])?.first?["version"] as? String == v1.description)
        let honest = try RawHTTP.request(port: relay.port, "POST", "/v1/records", body: Self.push([update], head: head2, counter: 2),
                                         token: device.token)
        #expect(honest.status == 200, "\(honest.body)")
    }
}
