import Foundation
import Logging
import TwofoldProtocol

/// Turns an `Authorization` header into an ``AuthenticatedDevice``, or the refusal the spec
/// names (Protocol/relay-api.md, "Access tokens", "Device status") [API-11][API-12].
///
/// The token is checked from its bytes and the relay secret alone; the device's status
/// comes from the in-memory ``DeviceDirectory``. A refused request touches nothing.
struct Authenticator: Sendable {
    let secret: RelaySecret
    let directory: DeviceDirectory
    let store: any RelayStore
    let metrics: RelayMetrics
    let verified = VerifiedTokenCache()

    /// Verifies the bearer token and the device's standing at `nowMs`.
    func authenticate(authorization: String?, nowMs: Int64, logger: Logger) async throws -> AuthenticatedDevice {
        try await authenticateWithLimitKey(authorization: authorization, nowMs: nowMs, logger: logger).device
    }

    /// ``authenticate(authorization:nowMs:logger:)``, with the device's rate-limit bucket key
    /// (`device:<id>`), kept with the verified token so it is not rebuilt on every request.
    func authenticateWithLimitKey(authorization: String?, nowMs: Int64, logger: Logger) async throws
        -> (device: AuthenticatedDevice, limitKey: String) {
        guard let authorization, let text = Self.bearer(authorization) else {
            metrics.authOutcome("token_missing")
            throw RelayError(.tokenMissing, "this route needs an access token: sign in (POST /v1/auth/token) and send Authorization: Bearer <token>")
        }
        let entry: VerifiedTokenCache.Entry
        if let cached = verified.lookup(text) {
            guard nowMs < cached.expiresAtMs else {
                metrics.authOutcome("token_expired")
                throw RelayError(.tokenExpired, "the access token has expired: sign in again with a fresh challenge")
            }
            entry = cached
        } else {
            let token: AccessToken
            do {
                token = try AccessToken.verified(text: text, secret: secret, nowMilliseconds: UInt64(max(0, nowMs)))
            } catch ProtocolError.expired {
                metrics.authOutcome("token_expired")
                throw RelayError(.tokenExpired, "the access token has expired: sign in again with a fresh challenge")
            } catch {
                // The log says which check failed; the client is not told [API-11].
                logger.debug("token refused", metadata: ["reason": "\(error)"])
                metrics.authOutcome("token_invalid")
                throw RelayError(.tokenInvalid, "the access token is not valid here: sign in again with a fresh challenge")
            }
            entry = .init(accountID: token.accountID, deviceID: token.deviceID, expiresAtMs: Int64(clamping: token.expiresAtMilliseconds),
                          limitKey: "device:\(token.deviceID.hex)")
            verified.insert(text, entry)
        }
        var standing = directory.standing(device: entry.deviceID, account: entry.accountID)
        if standing == .unknown {
            if let found = try await store.device(entry.deviceID, account: entry.accountID) {
                directory.set(device: entry.deviceID, account: entry.accountID, status: found.status)
                standing = found.status == .active ? .active : .revoked
            } else {
                standing = .accountDeleted
            }
        }
        switch standing {
        case .active:
            return (AuthenticatedDevice(accountID: entry.accountID, deviceID: entry.deviceID, expiresAtMs: entry.expiresAtMs), entry.limitKey)
        case .revoked:
            metrics.authOutcome("device_revoked")
            throw RelayError(.deviceRevoked, "this device was removed from the account: link it again from another device")
        case .accountDisabled:
            metrics.authOutcome("account_disabled")
            throw RelayError.accountDisabled
        case .accountDeleted, .unknown:
            metrics.authOutcome("account_deleted")
            throw RelayError(.accountDeleted, "the account was deleted: this device can no longer sync")
        }
    }

    /// The token of `Bearer <token>` (scheme case-insensitive), or nil.
    static func bearer(_ header: String) -> String? {
        // The usual form, `Bearer ` and printable ASCII without spaces, needs no splitting or
        // trimming; anything else takes the general path below.
        let utf8 = header.utf8
        if utf8.count > 7, utf8.starts(with: "Bearer ".utf8) {
            let token = utf8.dropFirst(7)
            if token.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) { return String(Substring(token)) }
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : String(token)
    }
}
