import Foundation
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

/// `twofold code` on an HOTP token without a daemon (Protocol/daemon.md, "HOTP codes"):
/// the same compare-and-swap reservation the daemon makes. Pull; commit this device's
/// counter record ([SYN-14]); push it (every push is a compare-and-swap on the account's
/// head, so pushes are totally ordered); then check that no other device's counter
/// record, as of that push, already covers the counter: if one does, that device used it
/// first, and the next counter is tried. Only then is the code printed. Offline, the
/// local counter alone gives the code, and a warning says another offline device could
/// give the same code until both sync.
enum HOTPReservation {
    /// How long the relay may take before the code comes from the local counter.
    static let timeout: Duration = .seconds(5)
    /// Counters tried before giving up to other devices using the token at once.
    static let attempts = 8

    static func use(vault: Vault, home: VaultHome, id: RecordID, relay trust: RelayTrust) throws -> String {
        let store = vault.syncStore
        guard let state = try store.state(), state.accountState == .ready else {
            return try vault.useHOTP(id: id).code  // a local vault: no other device exists
        }
        var configuration = RelayClientConfiguration(endpoint: try trust.endpoint(state.relayURL), caFile: trust.caFile)
        configuration.connectTimeout = timeout
        configuration.requestTimeout = timeout
        let client = try RelayClient(configuration)
        let box = SendableVault(vault: vault)
        let result: Result<String, any Error> = try AsyncBridge.run {
            defer { Task { await client.shutdown() } }
            func round() async throws {
                let session = try await RelaySession.stored(client: client, store: store)
                var syncer = Syncer(store: store, transport: RecordsAPI(session: session), keyring: box.vault.keyring)
                _ = try await syncer.run()
            }
            do { try await round() } catch {
                return .failure(error)
            }
            for _ in 0..<attempts {
                let use = try box.vault.useHOTP(id: id)
                do { try await round() } catch {
                    // The counter is committed locally: the code is still unique among the
                    // copies this device has seen, so it is shown, with the warning.
                    Self.warnOffline(error)
                    return .success(use.code)
                }
                if try box.vault.otherDevicesNextCounter(id: id) <= use.counter { return .success(use.code) }
            }
            throw CLIError("other devices kept using this HOTP token at the same time: try again")
        }
        switch result {
        case .success(let code): return code
        case .failure(let error):
            warnOffline(error)
            return try vault.useHOTP(id: id).code
        }
    }

    static func warnOffline(_ error: any Error) {
        Warnings.emit("the relay could not be reached (\(SyncError.from(error).description)): this HOTP code comes from "
                      + "this device's counter alone; another device offline could give the same code until both sync")
    }
}
