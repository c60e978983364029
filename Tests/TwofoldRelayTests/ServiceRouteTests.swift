import Testing
import TwofoldProtocol
@testable import TwofoldRelay

/// `/v1/health`, `/metrics`, `Date`, unknown routes and methods, and the error object
/// (relay-api.md, "Transport", "Errors", "Health and metrics").
@Suite struct ServiceRouteTests {
    @Test(arguments: Mode.allCases)
    func healthReportsTimeAndRegistrationWithDate(_ mode: Mode) async throws {
        let harness = RelayHarness { $0.registration = .invite }
        try await harness.run(mode) { client in
            let r = try await client.get("/v1/health")
            #expect(r.status == 200)
            #expect(r["status"] == .string("ok"))
            #expect(r["api_version"] == .int(1))
            #expect(r["time_ms"] == .int(harness.clock.nowMs))  // [API-29]
            #expect(r["registration"] == .string("invite"))
            #expect(r.headers[.date]?.hasSuffix(" GMT") == true)  // [API-4]
            #expect(r.headers[.twofoldRequestID]?.isEmpty == false)
        }
    }

    @Test(arguments: Mode.allCases)
    func everyErrorIsTheErrorObjectWithDate(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let notFound = try await client.get("/v1/nothing-here")
            #expect(notFound.status == 404)
            #expect(notFound.code == "not_found")
            #expect(notFound.headers[.date] != nil)  // [API-4] on errors too
            let wrongMethod = try await client.send(.delete, "/v1/health")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.code == "method_not_allowed")
            #expect(wrongMethod.headers[.allow] == "GET")
            let wrongMethod2 = try await client.send(.patch, "/v1/snapshots/00000000000000000000000000000000")
            #expect(wrongMethod2.code == "method_not_allowed")
            #expect(wrongMethod2.headers[.allow] == "GET, DELETE")
            // Every code a test meets is one of the spec's [API-25].
            for r in [notFound, wrongMethod] {
                #expect(RelayErrorCode(rawValue: r.code ?? "") != nil)
                #expect(r.json["error"]?["message"]?.string?.isEmpty == false)
            }
        }
    }

    @Test(arguments: Mode.allCases)
    func metricsAreTextWithoutIdentifiers(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            _ = try await client.get("/v1/records?after=0", token: account.token)
            let r = try await client.get("/metrics")
            #expect(r.status == 200)
            #expect(r.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(r.text.contains("twofold_http_requests_total"))
            #expect(r.text.contains("route=\"/v1/records\""))
            // No account or device id, no address in labels [API-30].
            #expect(!r.text.contains(account.id.hex))
            #expect(!r.text.contains(account.device.id.hex))
            #expect(!r.text.contains("127.0.0.1"))
        }
    }

    @Test(arguments: Mode.allCases)
    func metricsTokenIsEnforced(_ mode: Mode) async throws {
        try await RelayHarness { $0.metricsToken = "s3cret-metrics" }.run(mode) { client in
            let refused = try await client.get("/metrics")
            #expect(refused.status == 401)
            #expect(refused.code == "metrics_unauthorized")
            #expect(try await client.get("/metrics", token: "wrong").status == 401)
            #expect(try await client.get("/metrics", token: "s3cret-metrics").status == 200)
        }
    }

    @Test(arguments: Mode.allCases)
    func secretsNeverLeave(_ mode: Mode) async throws {
        let harness = RelayHarness()
        try await harness.run(mode) { client in
            let store = client.store
            let account = try await client.createAccount()
            let responses = [try await client.get("/v1/health"), try await client.get("/metrics"),
                             try await client.get("/v1/account", token: account.token), try await client.get("/v1/nothing")]
            // The auth secret is never sent [API-5]: neither as hex nor as base64url.
            for name in ["auth_secret", "decoy_secret"] {
                let secret = try await secretBytes(store, name)
                #expect(secret.count == 32)
                for r in responses {
                    #expect(!r.text.contains(Hex.encode(secret)))
                    #expect(!r.text.contains(Base64URL.encode(secret)))
                }
            }
        }
    }
}
