import TwofoldProtocol
import TwofoldSync
import TwofoldVault

extension DaemonService {
    /// Hands out an HOTP code whose counter no other device can use (Protocol/daemon.md,
    /// "HOTP codes"): pull; take the next counter and commit this device's counter record
    /// ([SYN-14]); push it — every push is a compare-and-swap on the account's head, so
    /// pushes are totally ordered — and then check that no other device's counter record,
    /// as of that push, already covers the counter. If one does, another device used it
    /// first: the counter is spent, and the next one is tried. A device that pushed its
    /// counter first is never overtaken: any later pusher pulls its record before its own
    /// push succeeds. Offline, the code is given from the local counter alone
    /// (`confirmed: false`), as the CLI does without a daemon.
    func hotp(_ request: ControlRequest) async -> ControlResponse {
        guard let text = request.id, let id = try? RecordID(hex: text) else {
            return .failure("bad_request", "hotp needs \"id\": the token's 32 hex digit id")
        }
        guard await !keys.isLocked else {
            return .failure("locked", "the daemon holds no key: run 'twofold unlock' (or give the passphrase)")
        }
        _ = await loop.syncNow()
        for _ in 0..<8 {
            let use: Vault.HOTPUse
            do {
                guard let used = try await keys.withVault(touch: true, { try $0.useHOTP(id: id) }) else {
                    return .failure("locked", "the vault was locked meanwhile: run 'twofold unlock'")
                }
                use = used
            } catch {
                return .failure("vault_error", String(describing: error))
            }
            let outcome = await loop.syncNow()
            guard outcome.succeeded else {
                return Self.hotpResponse(use, confirmed: false)
            }
            let others: UInt64
            do {
                others = try await keys.withVault(touch: false, { try $0.otherDevicesNextCounter(id: id) }) ?? 0
            } catch {
                return .failure("vault_error", String(describing: error))
            }
            if others <= use.counter { return Self.hotpResponse(use, confirmed: true) }
        }
        return .failure("hotp_contended", "other devices kept using this HOTP token at the same time: try again")
    }

    static func hotpResponse(_ use: Vault.HOTPUse, confirmed: Bool) -> ControlResponse {
        var response = ControlResponse.success
        response.hotp = .init(code: use.code, counter: use.counter, confirmed: confirmed)
        return response
    }
}
