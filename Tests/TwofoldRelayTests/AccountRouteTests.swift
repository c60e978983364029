import Testing
import TwofoldCrypto
import TwofoldProtocol
@testable import TwofoldRelay

/// Account creation under each registration mode, account state, deletion, passphrase
/// parameters (relay-api.md, "Registration", "Accounts").
@Suite struct AccountRouteTests {
    @Test(arguments: Mode.allCases)
    func closedAndInviteRegistration(_ mode: Mode) async throws {
        let closed = RelayHarness { $0.registration = .closed }
        try await closed.run(mode) { client in
            let (body, _, _, _) = try await client.accountRequest()
            let r = try await client.post("/v1/accounts", body)
            #expect(r.status == 403)
            #expect(r.code == "registration_closed")
        }
        let invited = RelayHarness { $0.registration = .invite }
        try await invited.run(mode) { client in
            let (noInvite, _, _, _) = try await client.accountRequest()
            #expect(try await client.post("/v1/accounts", noInvite).code == "invite_required")
            let (unknown, _, _, _) = try await client.accountRequest(invite: InviteToken.generate())
            #expect(try await client.post("/v1/accounts", unknown).code == "invite_invalid")
            let (garbled, _, _, _) = try await client.accountRequest(invite: "tfi1.nope")
            #expect(try await client.post("/v1/accounts", garbled).code == "invite_invalid")
            let admin = RelayAdmin(store: client.store, clock: invited.clock)
            let invite = try await admin.createInvite(uses: 1, expiresInSeconds: 3600)
            _ = try await client.createAccount(invite: invite.token)
            // One use: the second account is refused [API-14].
            let (again, _, _, _) = try await client.accountRequest(invite: invite.token)
            #expect(try await client.post("/v1/accounts", again).code == "invite_invalid")
            // Expired.
            let short = try await admin.createInvite(uses: 5, expiresInSeconds: 60)
            invited.clock.advance(byMs: 61_000)
            let (late, _, _, _) = try await client.accountRequest(invite: short.token)
            #expect(try await client.post("/v1/accounts", late).code == "invite_invalid")
        }
    }

    @Test func concurrentUsesOfAOneUseInviteCreateOneAccount() async throws {
        let harness = RelayHarness { $0.registration = .invite }
        try await harness.run(.router) { client in
            let admin = RelayAdmin(store: client.store, clock: harness.clock)
            let invite = try await admin.createInvite(uses: 1, expiresInSeconds: nil)
            var bodies: [JSONValue] = []
            for _ in 0..<8 { bodies.append(try await client.accountRequest(invite: invite.token).0) }
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for body in bodies { group.addTask { try await client.post("/v1/accounts", body).status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 1)  // [API-14]
            #expect(statuses.filter { $0 == 403 }.count == 7)
        }
    }

    @Test(arguments: Mode.allCases)
    func creationRefusals(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let first = try await client.createAccount()
            let (sameID, _, _, _) = try await client.accountRequest(id: first.id)
            #expect(try await client.post("/v1/accounts", sameID).code == "account_exists")
            let (sameDevice, _, _, _) = try await client.accountRequest(device: first.device)
            #expect(try await client.post("/v1/accounts", sameDevice).code == "device_exists")
            // Grants must be exactly device + recovery [API-16].
            let (body, _, device, _) = try await client.accountRequest()
            guard case .object(var members) = body else { return }
            members = members.map { $0.key == "grants" ? .init("grants", .array([
                .obj(["recipient": .string(device.id.hex), "sealed": .string(grantBytes())]),
                .obj(["recipient": .string(DeviceID.random().hex), "sealed": .string(grantBytes())])])) : $0 }
            #expect(try await client.post("/v1/accounts", .object(members)).code == "malformed_request")
            // A signature by another key.
            let (stolen, _, _, _) = try await client.accountRequest()
            guard case .object(var m2) = stolen else { return }
            m2 = m2.map { $0.key == "signature" ? .init("signature", .string(Base64URL.encode(TestDevice().sign.sign([0])))) : $0 }
            #expect(try await client.post("/v1/accounts", .object(m2)).code == "auth_failed")
        }
    }

    @Test(arguments: Mode.allCases)
    func accountStateAndDeletion(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let account = try await client.createAccount()
            let (linked, linkedToken) = try await client.link(into: account)
            let state = try await client.get("/v1/account", token: account.token)
            #expect(state.status == 200)
            #expect(state["account_id"] == .string(account.id.hex))
            #expect(state["epoch"] == .int(1))
            #expect(state["devices"]?.array?.count == 2)
            #expect(state["recovery"]?["sign_key"] == .string(Base64URL.encode(account.recovery.sign.publicKey)))
            #expect(state["passphrase"] == .null)
            #expect(state["limits"]?["records"] == .int(10_000))
            #expect(try await client.send(.delete, "/v1/account", token: account.token).status == 204)
            for token in [account.token, linkedToken] {
                let r = try await client.get("/v1/head", token: token)
                #expect(r.status == 401)
                #expect(r.code == "account_deleted")
            }
            #expect(try await client.signIn(account: account.id, device: linked).code == "auth_failed")
        }
    }

    @Test(arguments: Mode.allCases)
    func passphraseParametersAreRealOrStableDecoys(_ mode: Mode) async throws {
        try await RelayHarness().run(mode) { client in
            let unknown = AccountID.random()
            let a = try await client.get("/v1/accounts/\(unknown.hex)/passphrase")
            let b = try await client.get("/v1/accounts/\(unknown.hex)/passphrase")
            #expect(a.status == 200)
            #expect(a.text == b.text)  // stable [API-17]
            #expect(a["ops_limit"] == .uint(Argon2id.Cost.moderate.opsLimit))
            let other = try await client.get("/v1/accounts/\(AccountID.random().hex)/passphrase")
            #expect(other["salt"] != a["salt"])
            // An account without a passphrase gets a decoy of the same shape.
            let account = try await client.createAccount()
            let real = try await client.get("/v1/accounts/\(account.id.hex)/passphrase")
            #expect(real.status == 200)
            #expect(real.json.bytes.count == a.json.bytes.count)
            #expect(try await client.get("/v1/accounts/\(unknown.hex.uppercased())/passphrase").status == 400)
        }
    }
}
