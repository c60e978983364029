import Testing
import TwofoldCrypto
import TwofoldProtocol
@testable import TwofoldRelay

/// `POST /v1/recovery/claim` (devices.md, "Restoring") [DEV-12][API-28].
@Suite struct RecoveryRouteTests {
    func claim(_ client: RelayTestClient, keys: TestKeys, account: AccountID?, device: TestDevice = TestDevice(),
               signer: TestKeys? = nil) async throws -> Reply {
        let c = try AuthChallenge(text: try await client.challenge("recovery"))
        let message = try AuthMessage.recovery(kind: .recoveryKey, recoveryPublicKey: keys.sign.publicKey, deviceID: device.id,
                                               deviceSigningKey: device.sign.publicKey, deviceBoxKey: device.box.publicKey, challenge: c)
        var members: [JSONValue.Member] = [
            .init("key_kind", .string("recovery_key")), .init("public_key", WireFormat.b64(keys.sign.publicKey)),
            .init("device", device.keysJSON), .init("challenge", .string(c.text)),
            .init("signature", .string(Base64URL.encode((signer ?? keys).sign.sign(message)))),
        ]
        if let account { members.append(.init("account_id", .string(account.hex))) }
        return try await client.post("/v1/recovery/claim", .object(members))
    }

    @Test(arguments: Mode.allCases)
    func recoveryRegistersTheDeviceAndReturnsTheGrant(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            let device = TestDevice()
            let r = try await claim(client, keys: account.recovery, account: nil, device: device)
            #expect(r.status == 200, "\(r.text)")
            #expect(r["account_id"] == .string(account.id.hex))
            #expect(r["grant"]?.string != nil)
            let token = try #require(r["access_token"]?.string)
            #expect(try await client.get("/v1/head", token: token).status == 200)
            // The same device id cannot be claimed twice.
            #expect(try await claim(client, keys: account.recovery, account: account.id, device: device).code == "device_exists")
        }
    }

    @Test(arguments: Mode.allCases)
    func unknownKeyWrongAccountAndBadSignatureAreOneAnswer(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            let other = try await client.createAccount()
            let unknown = try await claim(client, keys: TestKeys(), account: nil)
            let wrongAccount = try await claim(client, keys: account.recovery, account: other.id)
            let badSignature = try await claim(client, keys: account.recovery, account: account.id, signer: TestKeys())
            for r in [unknown, wrongAccount, badSignature] {
                #expect(r.status == 401)
                #expect(r.code == "recovery_failed")
            }
            // [DEV-12]: one answer, word for word, whichever it was.
            #expect(unknown.json["error"] == badSignature.json["error"])
            #expect(unknown.json["error"] == wrongAccount.json["error"])
        }
    }

    @Test(arguments: Mode.allCases)
    func recoveryAttemptsAreLimitedPerAccountAndAddress(_ mode: Mode) async throws {
        try await RelayHarness {
            $0.limits.recoveryPerAccount = .perHour(3, burst: 3)
            $0.limits.recoveryPerAddress = .perHour(5, burst: 5)
        }.run(mode) { client in
            let account = try await client.createAccount()
            for _ in 0..<3 { #expect(try await claim(client, keys: TestKeys(), account: account.id).code == "recovery_failed") }
            let limited = try await claim(client, keys: account.recovery, account: account.id)
            #expect(limited.status == 429)
            #expect(limited.code == "recovery_rate_limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)  // [API-26]
            // Per address: 2 more without an account id use up the address's 5.
            for _ in 0..<2 { #expect(try await claim(client, keys: TestKeys(), account: nil).code == "recovery_failed") }
            #expect(try await claim(client, keys: TestKeys(), account: nil).code == "recovery_rate_limited")
        }
    }
}
