import Testing
import TwofoldProtocol
@testable import TwofoldRelay

/// Request-rate limits (relay-api.md, "Limits") [API-26][API-28].
@Suite struct LimitRouteTests {
    @Test(arguments: Mode.allCases)
    func devicesAreRateLimitedWithRetryAfter(_ mode: Mode) async throws {
        try await RelayHarness { $0.limits.deviceRate = .init(ratePerSecond: 1, burst: 3) }.run(mode) { client in
            let account = try await client.createAccount()
            for _ in 0..<3 { #expect(try await client.get("/v1/head", token: account.token).status == 200) }
            let r = try await client.get("/v1/head", token: account.token)
            #expect(r.status == 429)
            #expect(r.code == "rate_limited")
            #expect(r.headers[.retryAfter] == "1")
            #expect(r.json["error"]?["details"]?["retry_after_s"] == .int(1))
            // Another device is not affected.
            let other = try await client.createAccount()
            #expect(try await client.get("/v1/head", token: other.token).status == 200)
        }
    }

    @Test(arguments: Mode.allCases)
    func addressesAreRateLimited(_ mode: Mode) async throws {
        try await RelayHarness { $0.limits.addressRate = .init(ratePerSecond: 0.5, burst: 2) }.run(mode) { client in
            #expect(try await client.post("/v1/auth/challenge", .obj(["purpose": .string("device")])).status == 200)
            #expect(try await client.post("/v1/auth/challenge", .obj(["purpose": .string("device")])).status == 200)
            let r = try await client.post("/v1/auth/challenge", .obj(["purpose": .string("device")]))
            #expect(r.status == 429)
            #expect(r.headers[.retryAfter] == "2")
        }
    }

    @Test(arguments: Mode.allCases)
    func accountCreationIsLimitedPerAddress(_ mode: Mode) async throws {
        try await RelayHarness { $0.limits.accountsPerAddress = .perHour(2) }.run(mode) { client in
            _ = try await client.createAccount()
            _ = try await client.createAccount()
            let (body, _, _, _) = try await client.accountRequest()
            let r = try await client.post("/v1/accounts", body)
            #expect(r.status == 429)
            #expect(r.code == "rate_limited")
            #expect(Int(r.headers[.retryAfter] ?? "") ?? 0 > 1000)
        }
    }
}
