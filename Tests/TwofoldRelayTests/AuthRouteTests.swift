import Testing
import TwofoldCrypto
import TwofoldProtocol
@testable import TwofoldRelay

/// Sign-in and every refusal of a token or challenge (relay-api.md, "Authentication").
@Suite struct AuthRouteTests {
    @Test(arguments: Mode.allCases)
    func signInIssuesAWorkingToken(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            let r = try await client.signIn(account: account.id, device: account.device)
            #expect(r.status == 200)
            #expect(r["token_type"] == .string("Bearer"))
            #expect(r["account_id"] == .string(account.id.hex))
            #expect(r["epoch"] == .int(1))
            let token = try #require(r["access_token"]?.string)
            #expect(token.hasPrefix("tfa1.") && token.count == 113)
            #expect(try await client.get("/v1/account", token: token).status == 200)
        }
    }

    @Test(arguments: Mode.allCases)
    func badExpiredAndForgedTokensAre401AndTouchNothing(_ mode: Mode) async throws {
        let harness = RelayHarness()
        try await harness.run(mode) { client in
            let account = try await client.createAccount()
            let missing = try await client.get("/v1/head")
            #expect(missing.status == 401)
            #expect(missing.code == "token_missing")
            #expect(missing.headers[.wwwAuthenticate] == "Bearer")
            #expect(try await client.send(.get, "/v1/head", headers: [.authorization: "Basic abc"]).code == "token_missing")
            #expect(try await client.get("/v1/head", token: "garbage").code == "token_invalid")
            #expect(try await client.get("/v1/head", token: "tfa2.AAAA").code == "token_invalid")
            // A token MAC'd with another secret: forged.
            let forged = AccessToken.issue(accountID: account.id, deviceID: account.device.id, nowMilliseconds: UInt64(harness.clock.nowMs),
                                           secret: RelaySecret.generate()).text
            #expect(try await client.get("/v1/head", token: forged).code == "token_invalid")
            // One flipped character.
            var chars = Array(account.token)
            chars[40] = chars[40] == "A" ? "B" : "A"
            #expect(try await client.get("/v1/head", token: String(chars)).code == "token_invalid")
            // A forged token's write changes nothing.
            let w = write(.random(), version: version(1 << 16, account.device.id), expected: nil)
            let refused = try await client.post("/v1/records", .obj(["writes": .array([w]),
                                                                     "head": .obj(["counter": .int(1), "head": .string(sealed()), "expected_counter": .null])]),
                                                token: forged)
            #expect(refused.status == 401)
            let page = try await client.get("/v1/records?after=0", token: account.token)
            #expect(page["records"]?.array?.isEmpty == true)
            // Expired after 15 minutes.
            harness.clock.advance(byMs: 900_000)
            let expired = try await client.get("/v1/head", token: account.token)
            #expect(expired.status == 401)
            #expect(expired.code == "token_expired")
        }
    }

    @Test(arguments: Mode.allCases)
    func challengesAreSingleUsePurposeBoundAndExpire(_ mode: Mode) async throws {
        let harness = RelayHarness()
        try await harness.run(mode) { client in
            let account = try await client.createAccount()
            let (challenge, signature) = try await client.signedChallenge(account: account.id, device: account.device)
            let body = JSONValue.obj(["account_id": .string(account.id.hex), "device_id": .string(account.device.id.hex),
                                      "challenge": .string(challenge), "signature": .string(signature)])
            #expect(try await client.post("/v1/auth/token", body).status == 200)
            let replay = try await client.post("/v1/auth/token", body)  // replayed request [API-8]
            #expect(replay.status == 401)
            #expect(replay.code == "challenge_used")
            // A recovery challenge is refused for sign-in.
            let recovery = try AuthChallenge(text: try await client.challenge("recovery"))
            let sig = account.device.sign.sign(AuthMessage.device(accountID: account.id, deviceID: account.device.id, challenge: recovery))
            let wrongPurpose = try await client.post("/v1/auth/token", .obj([
                "account_id": .string(account.id.hex), "device_id": .string(account.device.id.hex),
                "challenge": .string(recovery.text), "signature": .string(Base64URL.encode(sig))]))
            #expect(wrongPurpose.code == "challenge_invalid")
            // A challenge not issued by this relay.
            let foreign = AuthChallenge.issue(purpose: .device, nowMilliseconds: UInt64(harness.clock.nowMs), secret: .generate())
            let fsig = account.device.sign.sign(AuthMessage.device(accountID: account.id, deviceID: account.device.id, challenge: foreign))
            #expect(try await client.post("/v1/auth/token", .obj([
                "account_id": .string(account.id.hex), "device_id": .string(account.device.id.hex),
                "challenge": .string(foreign.text), "signature": .string(Base64URL.encode(fsig))])).code == "challenge_invalid")
            // Expired after 60 s.
            let (late, lateSig) = try await client.signedChallenge(account: account.id, device: account.device)
            harness.clock.advance(byMs: 60_000)
            let expired = try await client.post("/v1/auth/token", .obj([
                "account_id": .string(account.id.hex), "device_id": .string(account.device.id.hex),
                "challenge": .string(late), "signature": .string(lateSig)]))
            #expect(expired.code == "challenge_expired")
        }
    }

    @Test(arguments: Mode.allCases)
    func unknownAccountDeviceAndBadSignatureAreOneAnswer(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            let stranger = TestDevice()
            let unknownDevice = try await client.signIn(account: account.id, device: stranger)
            let unknownAccount = try await client.signIn(account: .random(), device: account.device)
            let (challenge, _) = try await client.signedChallenge(account: account.id, device: account.device)
            let badSig = try await client.post("/v1/auth/token", .obj([
                "account_id": .string(account.id.hex), "device_id": .string(account.device.id.hex), "challenge": .string(challenge),
                "signature": .string(Base64URL.encode(stranger.sign.sign([1, 2, 3])))]))
            for r in [unknownDevice, unknownAccount, badSig] {  // [API-10]
                #expect(r.status == 401)
                #expect(r.code == "auth_failed")
            }
            #expect(unknownDevice.json["error"]?["message"] == badSig.json["error"]?["message"])
        }
    }

    @Test(arguments: Mode.allCases)
    func oneAccountCannotReachAnother(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let alice = try await client.createAccount()
            let mallory = try await client.createAccount()
            let record = RecordID.random()
            #expect(try await client.push(alice, writes: [write(record, version: version(1 << 16, alice.device.id), expected: nil)],
                                          counter: 1, expected: nil).status == 200)
            // Mallory's token only ever names Mallory's account: her pulls see nothing of Alice's.
            let page = try await client.get("/v1/records?after=0", token: mallory.token)
            #expect(page["records"]?.array?.isEmpty == true)
            #expect(try await client.get("/v1/head", token: mallory.token)["head"] == .null)
            // Mallory's device signing in to Alice's account is refused.
            #expect(try await client.signIn(account: alice.id, device: mallory.device).code == "auth_failed")
            // Mallory's CAS write of Alice's record id lands in Mallory's own account.
            #expect(try await client.push(mallory, writes: [write(record, version: version(2 << 16, mallory.device.id), expected: nil)],
                                          counter: 1, expected: nil).status == 200)
            let alicePage = try await client.get("/v1/records?after=0", token: alice.token)
            #expect(alicePage["records"]?.array?.first?["version"] == .string(version(1 << 16, alice.device.id)))
            // Grants, snapshots and link replies stay inside the caller's account.
            #expect(try await client.send(.put, "/v1/grants", json: .obj(["epoch": .int(1), "grants": .array([
                .obj(["recipient": .string(alice.device.id.hex), "sealed": .string(grantBytes())])])]), token: mallory.token).code
                    == "malformed_request")
            let snap = RecordID.random()
            #expect(try await client.post("/v1/snapshots", .obj(["snapshot_id": .string(snap.hex), "epoch": .int(1),
                                                                 "created_at_ms": .int(1), "sealed": .string(snapshotBytes(snap, created: 1))]), token: alice.token).status == 201)
            #expect(try await client.get("/v1/snapshots/\(snap.hex)", token: mallory.token).status == 404)
            #expect(try await client.send(.delete, "/v1/snapshots/\(snap.hex)", token: mallory.token).status == 404)
            #expect(try await client.get("/v1/snapshots/\(snap.hex)", token: alice.token).status == 200)
        }
    }
}
