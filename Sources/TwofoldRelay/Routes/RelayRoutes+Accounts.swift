import Hummingbird
import TwofoldCrypto
import TwofoldProtocol

extension RelayRoutes {
    /// `POST /v1/accounts` and `GET /v1/accounts/{account_id}/passphrase` (relay-api.md, "Accounts").
    func addAccountCreation(to group: RouterGroup<Context>) {
        group.post("accounts") { request, context -> Response in
            try limitUnauthenticated(request, context)
            let mode = relay.configuration.registration
            guard mode != .closed else {
                throw RelayError(.registrationClosed, "this relay creates no accounts; ask its admin for an invite")
            }
            let body = try JSONObjectReader(
                try await relay.readJSON(request, limit: relay.configuration.limits.bodyBytes),
                allowed: ["account_id", "invite", "device", "recovery", "passphrase", "grants", "challenge", "signature"])
            let account = try Self.newAccount(body)
            var inviteHash: [UInt8]?
            if mode == .invite {
                guard body.has("invite") else {
                    throw RelayError(.inviteRequired, "this relay needs an invite to create an account; ask its admin for one")
                }
                let invite = try body.string("invite")
                guard InviteToken.isWellFormed(invite) else {
                    throw RelayError(.inviteInvalid, "the invite is unknown, expired or used up; ask the relay's admin for a new one")
                }
                inviteHash = InviteToken.hash(invite)
            }
            try relay.limitAddress("accounts", rule: relay.configuration.limits.accountsPerAddress, request, context)
            let text = try body.string("challenge")
            let signature = try body.bytes("signature", lengths: 64...64)
            _ = try await relay.redeem(challenge: text, purpose: .device, signature: signature, publicKey: account.device.signKey,
                                       failure: .authFailed) { challenge in
                AuthMessage.device(accountID: account.accountID, deviceID: account.device.deviceID, challenge: challenge)
            }
            try await relay.store.createAccount(account, inviteHash: inviteHash, nowMs: relay.clock.nowMs)
            relay.directory.set(device: account.device.deviceID, account: account.accountID, status: .active)
            return relay.json(relay.issueToken(account: account.accountID, device: account.device.deviceID, epoch: 1), status: .created)
        }

        group.get("accounts/{account_id}/passphrase") { request, context -> Response in
            try relay.limitAddress("passphrase", rule: relay.configuration.limits.passphraseLookupsPerAddress, request, context)
            guard let id = WireFormat.id(context.parameters.get("account_id") ?? "", as: AccountID.self) else {
                throw RelayError.malformed("the account id must be 32 lowercase hex digits")
            }
            // Real parameters or stable decoys, indistinguishable [API-17].
            if let keys = try await relay.store.passphraseKeys(id) {
                return relay.json(.obj(["salt": WireFormat.b64(keys.salt), "ops_limit": .int(keys.opsLimit), "mem_limit": .int(keys.memLimit)]))
            }
            let decoy = PassphraseParameters.decoy(for: id, relaySecret: relay.secrets.decoy)
            return relay.json(.obj(["salt": WireFormat.b64(decoy.salt), "ops_limit": .uint(decoy.cost.opsLimit),
                                    "mem_limit": .uint(decoy.cost.memLimit)]))
        }
    }

    /// Parses `CreateAccountRequest` and checks that the grants cover exactly the device,
    /// `recovery`, and `passphrase` when one is given [API-16].
    static func newAccount(_ body: JSONObjectReader) throws(RelayError) -> NewAccount {
        let device = try RequestParsing.deviceKeys(try body.object("device", allowed: RequestParsing.deviceKeyFields))
        let recovery = try RequestParsing.accountKeys(try body.object("recovery", allowed: RequestParsing.accountKeyFields))
        var passphrase: PassphraseKeys?
        if body.has("passphrase") {
            passphrase = try RequestParsing.passphraseKeys(try body.object("passphrase", allowed: RequestParsing.passphraseFields))
        }
        let items = try body.array("grants", count: 2...3)
        var grants: [GrantEntry] = []
        for (i, item) in items.enumerated() {
            grants.append(try RequestParsing.grant(item, path: body.itemPath("grants", i), devicesOnly: false))
        }
        var expected: Set<GrantRecipient> = [.device(device.deviceID), .recovery]
        if passphrase != nil { expected.insert(.passphrase) }
        guard grants.count == expected.count, Set(grants.map(\.recipient)) == expected else {
            throw .malformed("grants must cover exactly the device, recovery\(passphrase != nil ? " and passphrase" : ""), once each")
        }
        return NewAccount(accountID: try body.id("account_id"), device: device, recovery: recovery, passphrase: passphrase, grants: grants)
    }

    /// `GET /v1/account` and `DELETE /v1/account`.
    func addAccount(to group: RouterGroup<Context>) {
        group.get("account") { _, context -> Response in
            let device = try context.requireDevice()
            guard let state = try await relay.store.account(device.accountID) else {
                throw RelayError(.accountDeleted, "the account was deleted: this device can no longer sync")
            }
            let l = relay.configuration.limits
            return relay.json(.obj([
                "account_id": .string(state.accountID.hex), "epoch": .int(state.epoch), "created_at_ms": .int(state.createdAtMs),
                "devices": .array(state.devices.map(\.json)), "recovery": state.recovery.json,
                "passphrase": state.passphrase?.json ?? .null, "usage": state.usage.json,
                "limits": Usage(records: l.recordsPerAccount, recordBytes: l.recordBytesPerAccount,
                                snapshots: l.snapshotsPerAccount, snapshotBytes: l.snapshotBytesPerAccount).json,
            ]))
        }

        group.delete("account") { _, context -> Response in
            let device = try context.requireDevice()
            _ = try await relay.store.deleteAccount(device.accountID, nowMs: relay.clock.nowMs)
            relay.directory.deleteAccount(device.accountID)
            relay.hub.closeAccount(device.accountID)
            return relay.noContent()
        }
    }
}
