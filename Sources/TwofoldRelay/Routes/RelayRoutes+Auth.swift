import Hummingbird
import TwofoldProtocol

extension RelayRoutes {
    /// `POST /v1/auth/challenge` and `POST /v1/auth/token` (relay-api.md, "Authentication").
    func addAuth(to group: RouterGroup<Context>) {
        group.post("auth/challenge") { request, context -> Response in
            try limitUnauthenticated(request, context)
            let body = try JSONObjectReader(try await relay.readJSON(request, limit: relay.configuration.limits.bodyBytes),
                                            allowed: ["purpose"])
            guard let purpose = AuthChallenge.Purpose(name: try body.string("purpose")) else {
                throw RelayError.malformed("field 'purpose' must be device or recovery")
            }
            // Stateless: nothing is written until the challenge is redeemed [API-6][API-8].
            let challenge = AuthChallenge.issue(purpose: purpose, nowMilliseconds: UInt64(max(0, relay.clock.nowMs)),
                                                secret: relay.secrets.auth)
            return relay.json(.obj(["challenge": .string(challenge.text), "expires_at_ms": .uint(challenge.expiresAtMilliseconds)]))
        }

        group.post("auth/token") { request, context -> Response in
            try limitUnauthenticated(request, context)
            let body = try JSONObjectReader(try await relay.readJSON(request, limit: relay.configuration.limits.bodyBytes),
                                            allowed: ["account_id", "device_id", "challenge", "signature"])
            let account: AccountID = try body.id("account_id")
            let deviceID: DeviceID = try body.id("device_id")
            let text = try body.string("challenge")
            let signature = try body.bytes("signature", lengths: 64...64)
            let known = try await relay.store.device(deviceID, account: account)
            // Unknown account, unknown device, bad signature: one answer [API-10].
            _ = try await relay.redeem(challenge: text, purpose: .device, signature: signature, publicKey: known?.keys.signKey,
                                       failure: .authFailed) { challenge in
                AuthMessage.device(accountID: account, deviceID: deviceID, challenge: challenge)
            }
            guard known?.status == .active, let state = try await relay.store.account(account) else {
                throw RelayError(.deviceRevoked, "this device was removed from the account: link it again from another device")
            }
            if relay.directory.standing(device: deviceID, account: account) == .accountDisabled {
                relay.metrics.authOutcome("account_disabled")
                throw RelayError.accountDisabled
            }
            let now = relay.clock.nowMs
            try await relay.store.touch(device: deviceID, account: account, nowMs: now)
            relay.directory.set(device: deviceID, account: account, status: .active)
            relay.metrics.authOutcome("token_issued")
            return relay.json(relay.issueToken(account: account, device: deviceID, epoch: state.epoch))
        }
    }
}
