import Testing
import TwofoldProtocol
@testable import TwofoldRelay

/// The push channel (relay-api.md, "Push: server-sent events") [API-23][API-24].
@Suite struct EventRouteTests {
    /// Waits (bounded) until the relay reports `count` open streams.
    static func waitForStreams(_ client: RelayTestClient, _ count: Int) async throws {
        for _ in 0..<200 {
            if try await client.get("/metrics").text.contains("twofold_push_streams \(count)") { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the relay never reported \(count) streams")
    }

    @Test(arguments: Mode.allCases)
    func changesReachOtherDevicesAndRevocationClosesTheStream(_ mode: Mode) async throws {
        try await RelayHarness { $0.keepAliveSeconds = 1 }.run(mode) { client in
            let account = try await client.createAccount()
            let (other, otherToken) = try await client.link(into: account)
            let otherAccount = TestAccount(id: account.id, device: other, recovery: account.recovery, token: otherToken)
            let stream = Task { try await client.stream("/v1/events", token: account.token) }
            try await Self.waitForStreams(client, 1)
            try await Task.sleep(for: .milliseconds(1300))
            let id = RecordID.random()
            #expect(try await client.push(otherAccount, writes: [write(id, version: version(1 << 16, other.id), expected: nil)],
                                          counter: 1, expected: nil).status == 200)
            let rotation = GrantRotationRouteTests.rotation(from: 1, revoke: [account.device.id], records: [(id, version(1 << 16, other.id))],
                                                           grantees: [other.id.hex, "recovery"], counter: 2, expected: 1, signer: otherAccount)
            #expect(try await client.post("/v1/rotations", rotation, token: otherToken).status == 200)
            let r = try await stream.value
            #expect(r.status == 200)
            #expect(r.headers[.contentType] == "text/event-stream")
            let text = r.text
            #expect(text.hasPrefix("event: records\nid: 0\ndata: {\"seq\":0}\n\n"))
            #expect(text.contains(": keep-alive\n\n"))
            #expect(text.contains("event: records\nid: 1\ndata: {\"seq\":1}\n\n"))
            #expect(text.hasSuffix("event: revoked\ndata: {}\n\n"))
            // Nothing but seq, epoch and revocation [API-23].
            for line in text.split(separator: "\n") where line.hasPrefix("data:") {
                #expect(["data: {}", "data: {\"seq\":0}", "data: {\"seq\":1}"].contains(String(line)))
            }
            try await Self.waitForStreams(client, 0)
        }
    }

    @Test(arguments: Mode.allCases)
    func streamsAreLimitedAndCloseWhenTheTokenExpires(_ mode: Mode) async throws {
        let harness = RelayHarness { $0.limits.streamsPerDevice = 1 }
        try await harness.run(mode) { client in
            let account = try await client.createAccount()
            let stream = Task { try await client.stream("/v1/events", token: account.token) }
            try await Self.waitForStreams(client, 1)
            let second = try await client.get("/v1/events", token: account.token)
            #expect(second.status == 429)
            #expect(second.code == "too_many_streams")
            #expect(second.headers[.retryAfter] != nil)
            harness.clock.advance(byMs: 900_000)
            let r = try await stream.value
            #expect(r.status == 200)
            #expect(r.text == "event: records\nid: 0\ndata: {\"seq\":0}\n\n")
        }
    }
}
