import Hummingbird
import Testing
import TwofoldProtocol
@testable import TwofoldRelay

/// Refusals of malformed requests: media type, size, unknown members, non-canonical
/// encodings [API-1][API-2][API-27].
@Suite struct RequestRefusalTests {
    @Test(arguments: Mode.allCases)
    func unknownMembersAndBadEncodingsAreMalformed(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let extra = try await client.post("/v1/auth/challenge", .obj(["purpose": .string("device"), "color": .string("red")]))
            #expect(extra.status == 400)
            #expect(extra.code == "malformed_request")
            let (body, _, _, _) = try await client.accountRequest()
            // Upper-case hex id [API-1].
            var upper = body
            if case .object(var m) = upper {
                m = m.map { $0.key == "account_id" ? .init("account_id", .string($0.value.string!.uppercased())) : $0 }
                upper = .object(m)
            }
            #expect(try await client.post("/v1/accounts", upper).code == "malformed_request")
            // Padded base64url in a key [API-1].
            var padded = body
            if case .object(var m) = padded {
                m = m.map { member in
                    guard member.key == "signature", let s = member.value.string else { return member }
                    return .init("signature", .string(s + "=="))
                }
                padded = .object(m)
            }
            #expect(try await client.post("/v1/accounts", padded).code == "malformed_request")
        }
    }

    @Test(arguments: Mode.allCases)
    func otherMediaTypesAre415(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let r = try await client.send(.post, "/v1/auth/challenge", raw: Array("purpose=device".utf8),
                                          headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(r.status == 415)
            #expect(r.code == "unsupported_media_type")
            let none = try await client.send(.post, "/v1/auth/challenge", raw: Array(#"{"purpose":"device"}"#.utf8))
            #expect(none.status == 415)
        }
    }

    @Test(arguments: Mode.allCases)
    func oversizeBodiesAre413(_ mode: Mode) async throws {
        try await RelayHarness { $0.limits.bodyBytes = 4096 }.run(mode) { client in
            let big = Array(repeating: UInt8(ascii: " "), count: 10_000) + Array(#"{"purpose":"device"}"#.utf8)
            let r = try await client.send(.post, "/v1/auth/challenge", raw: big, headers: [.contentType: "application/json"])
            #expect(r.status == 413)
            #expect(r.code == "body_too_large")
            #expect(r.json["error"]?["details"]?["limit"] == .int(4096))
        }
    }

    @Test(arguments: Mode.allCases)
    func notJSONIsMalformed(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            for text in ["{", "[]", "{\"purpose\":\"device\"} x", "{\"purpose\":\"device\",\"purpose\":\"recovery\"}", "nul"] {
                let r = try await client.send(.post, "/v1/auth/challenge", raw: Array(text.utf8), headers: [.contentType: "application/json"])
                #expect(r.status == 400, "\(text)")
                #expect(r.code == "malformed_request")
            }
        }
    }

    @Test(arguments: Mode.allCases)
    func pageQueryIsStrict(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            for query in ["", "?after=-1", "?after=01", "?after=x", "?after=0&limit=0", "?after=0&limit=1001",
                          "?after=9007199254740992", "?after=0&after=1", "?after=+1"] {
                let r = try await client.get("/v1/records\(query)", token: account.token)
                #expect(r.status == 400, "\(query)")
                #expect(r.code == "malformed_request")
            }
            #expect(try await client.get("/v1/records?after=0&limit=1000", token: account.token).status == 200)
        }
    }
}
