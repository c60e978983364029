import Hummingbird
import TwofoldProtocol

extension RelayRoutes {
    /// `POST /v1/recovery/claim` (relay-api.md, "Routes"; devices.md, "Restoring").
    func addRecovery(to group: RouterGroup<Context>) {
        group.post("recovery/claim") { request, context -> Response in
            try limitUnauthenticated(request, context)
            let body = try JSONObjectReader(
                try await relay.readJSON(request, limit: relay.configuration.limits.bodyBytes),
                allowed: ["account_id", "key_kind", "public_key", "device", "challenge", "signature"])
            let kind: AuthMessage.RecoveryKeyKind
            switch try body.string("key_kind") {
            case "recovery_key": kind = .recoveryKey
            case "passphrase": kind = .passphrase
            default: throw RelayError.malformed("field 'key_kind' must be recovery_key or passphrase")
            }
            let accountID: AccountID? = body.has("account_id") ? try body.id("account_id") : nil
            if kind == .passphrase, accountID == nil {
                throw RelayError.malformed("field 'account_id' is required for a passphrase claim")
            }
            let publicKey = try body.key("public_key")
            let device = try RequestParsing.deviceKeys(try body.object("device", allowed: RequestParsing.deviceKeyFields))
            let text = try body.string("challenge")
            let signature = try body.bytes("signature", lengths: 64...64)

            // Every claim counts, in the store, against its address and its account [API-28].
            let limits = relay.configuration.limits
            var buckets = [(key: "recovery-address:" + relay.addressKey(request, context), rule: limits.recoveryPerAddress)]
            if let accountID { buckets.append((key: "recovery-account:" + accountID.hex, rule: limits.recoveryPerAccount)) }
            if let wait = try await relay.store.takeRecoveryTokens(buckets, nowMs: relay.clock.nowMs) {
                relay.metrics.recovery("rate_limited")
                throw RelayError(.recoveryRateLimited, "too many recovery attempts; retry after \(wait) s", retryAfterSeconds: wait)
            }
            do {
                _ = try await relay.redeem(challenge: text, purpose: .recovery, signature: signature, publicKey: publicKey,
                                           failure: .recoveryFailed) { challenge throws(ProtocolError) in
                    try AuthMessage.recovery(kind: kind, recoveryPublicKey: publicKey, deviceID: device.deviceID,
                                             deviceSigningKey: device.signKey, deviceBoxKey: device.boxKey, challenge: challenge)
                }
                let grant = try await relay.store.claimRecovery(kind: kind, publicKey: publicKey, accountID: accountID,
                                                                device: device, nowMs: relay.clock.nowMs)
                relay.directory.set(device: device.deviceID, account: grant.accountID, status: .active)
                relay.metrics.recovery("success")
                guard case .object(var members) = relay.issueToken(account: grant.accountID, device: device.deviceID, epoch: grant.epoch) else {
                    throw RelayError.internalError
                }
                members.append(.init("grant", WireFormat.b64(grant.sealed)))
                return relay.json(.object(members))
            } catch let error as RelayError {
                relay.metrics.recovery(error.code.rawValue)
                throw error
            }
        }
    }
}
