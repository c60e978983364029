import Testing
@testable import TwofoldSync

@Suite("Relay client parts")
struct ClientPartsTests {
    @Test func serverSentEventsAreParsedAcrossChunks() {
        var parser = ServerSentEventParser()
        let stream = "event: records\r\nid: 1027\r\ndata: {\"seq\":1027}\r\n\r\n: keep-alive\n\nevent: epoch\ndata: {\"epoch\": 4}\n\nevent: unknown\ndata: {}\n\nevent: revoked\ndata: {}\n\n"
        var events: [RelayEvent] = []
        for chunk in Array(stream.utf8).chunked(7) { events += parser.feed(chunk) }
        #expect(events == [.records(seq: 1027), .epoch(4), .revoked])
        #expect(parser.lastEventID == "1027")
    }

    @Test func malformedEventDataIsSkipped() {
        var parser = ServerSentEventParser()
        #expect(parser.feed(Array("event: records\ndata: {\"seq\":\"x\"}\n\n".utf8)).isEmpty)
    }

    @Test func httpDatesParse() {
        #expect(HTTPDate.milliseconds("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777_000)
        #expect(HTTPDate.milliseconds("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(HTTPDate.milliseconds("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
    }

    @Test func plainHTTPIsOnlyForLoopback() throws {
        #expect(try RelayEndpoint("https://relay.example.org").description == "https://relay.example.org")
        #expect(try RelayEndpoint("https://relay.example.org:8443/twofold/").description == "https://relay.example.org:8443/twofold")
        #expect(try RelayEndpoint("http://127.0.0.1:8787").isLoopback)
        #expect(throws: SyncError.insecureRelay("http://relay.example.org")) { try RelayEndpoint("http://relay.example.org") }
        #expect(try RelayEndpoint("http://relay.example.org", allowInsecure: true).usesTLS == false)
        #expect(throws: SyncError.invalidRelayURL("ftp://x")) { try RelayEndpoint("ftp://x") }
    }

    @Test func httpsProxyIsHonouredExceptForNoProxyAndLoopback() throws {
        let remote = try RelayEndpoint("https://relay.example.org")
        let env = ["HTTPS_PROXY": "http://user:pw@proxy.local:3128"]
        let proxy = RelayClientConfiguration.proxy(for: remote, environment: env)
        #expect(proxy?.host == "proxy.local")
        #expect(proxy?.port == 3128)
        #expect(proxy?.credentials?.user == "user")
        #expect(RelayClientConfiguration.proxy(for: remote, environment: env.merging(["NO_PROXY": ".example.org"]) { $1 }) == nil)
        #expect(RelayClientConfiguration.proxy(for: try RelayEndpoint("http://127.0.0.1:1"), environment: env) == nil)
    }

    @Test func relayErrorsMapToTheirClasses() {
        func body(_ code: String) -> Data { Data("{\"error\":{\"code\":\"\(code)\",\"message\":\"m\"}}".utf8) }
        #expect(RelayClient.failure(status: 401, headers: [:], body: body("device_revoked")) == .deviceRevoked)
        #expect(RelayClient.failure(status: 409, headers: [:], body: body("head_conflict")) == .conflict(code: "head_conflict"))
        #expect(RelayClient.failure(status: 429, headers: ["Retry-After": "7"], body: body("rate_limited"))
                == .rateLimited(retryAfterSeconds: 7, recovery: false))
        let other = RelayClient.failure(status: 507, headers: [:], body: body("quota_exceeded"))
        #expect(other.code == "quota_exceeded")
        #expect(RelayClient.failure(status: 502, headers: [:], body: Data("<html>".utf8)).isTransient)
    }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
import Foundation
