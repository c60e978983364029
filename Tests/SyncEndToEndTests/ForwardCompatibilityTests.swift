import Foundation
import Testing

/// [API-2]: a client ignores response members it does not know, so a newer relay can add
/// them (Protocol/relay-api.md, "Conventions"). A proxy in front of the real relay adds
/// unknown members to every JSON object of every response — top level and nested, records
/// and heads included — and two devices still create the account, restore, sync both ways
/// and agree on every code.
@Suite("Forward compatibility", .serialized)
struct ForwardCompatibilityTests {
    /// `value` with an unknown member added to it and to every object inside it.
    static func withUnknownMembers(_ value: Any) -> Any {
        if var object = value as? [String: Any] {
            for (key, member) in object { object[key] = withUnknownMembers(member) }
            object["zz_added_by_a_newer_relay"] = ["nested": [1, "two", NSNull()], "flag": true]
            return object
        }
        if let array = value as? [Any] { return array.map(withUnknownMembers) }
        return value
    }

    @Test func unknownResponseMembersAreIgnored() throws {
        let lab = try Lab()
        let proxy = try ClockSkewProxy(upstreamPort: lab.relay.port, skewMs: 0)
        defer { proxy.stop() }
        let rewritten = Shared<Int>()
        proxy.rewrite(responses: { _, _, body in
            guard let json = try? JSONSerialization.jsonObject(with: Data(body)), json is [String: Any] else { return nil }
            rewritten.update { ($0 ?? 0) + 1 }
            return (try? JSONSerialization.data(withJSONObject: Self.withUnknownMembers(json))).map { Array($0) }
        })

        let (a, b, _, _) = try lab.pair(through: proxy.url)
        for (issuer, secret) in [("GitHub", "JBSWY3DPEHPK3PXP"), ("Mail", "JBSWY3DPEHPK3PXQ")] {
            let added = try a.run(["add", "--issuer", issuer, "--account", "alice", "--secret", secret])
            #expect(added.status == 0, "\(added.stderr)")
        }
        let hotp = try a.run(["add", "otpauth://hotp/Bank:alice?secret=JBSWY3DPEHPK3PXR&counter=5"])
        #expect(hotp.status == 0, "\(hotp.stderr)")
        for device in [a, b, a] {
            let synced = try device.run(["sync"])
            #expect(synced.status == 0, "\(synced.stderr)")
        }
        #expect(try b.tokens() == ["Bank:alice:", "GitHub:alice:", "Mail:alice:"])
        #expect(try LinkingTests.codes(b) == LinkingTests.codes(a))

        let removed = try b.run(["remove", "Mail"])
        #expect(removed.status == 0, "\(removed.stderr)")
        for device in [b, a] {
            let synced = try device.run(["sync"])
            #expect(synced.status == 0, "\(synced.stderr)")
        }
        #expect(try a.tokens() == ["Bank:alice:", "GitHub:alice:"])
        for device in [a, b] {
            let devices = try device.run(["devices", "--json"])
            #expect(devices.status == 0 && devices.stderr.isEmpty, "\(devices.stderr)")
            #expect(try device.json(["status", "--json"])["last_error"] is NSNull)
        }
        #expect((rewritten.value ?? 0) >= 10, "the proxy rewrote only \(rewritten.value ?? 0) responses")
    }
}
