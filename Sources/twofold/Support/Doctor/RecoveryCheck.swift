import TwofoldProtocol
import TwofoldSync
import TwofoldVault

/// `doctor`'s recovery check, as far as this device's vault knows: the account's roster
/// (opened with the vault key) names a recovery key, this device, and whether an account
/// passphrase is set (Protocol/devices.md). Without the key at hand — a passphrase vault,
/// no unlocked daemon, no `--passphrase-stdin` — it says it could not look.
enum RecoveryCheck {
    static func run(home: VaultHome, store: SyncStore, state: SyncState?, passphraseStdin: Bool) -> DoctorFinding {
        guard let state else {
            return .warn("recovery", "this vault is local only: nothing is backed up, and losing this device loses its tokens",
                         fix: "attach a relay ('twofold relay set URL') to get a recovery key, or keep an encrypted export ('twofold export --format aegis --encrypt')")
        }
        if state.accountState == .creating {
            return .fail("recovery", "creating the account did not finish, so the recovery key was never shown",
                         fix: "run 'twofold init --relay \(state.relayURL)' again")
        }
        let vault: Vault
        do {
            if let unlocked = DaemonClient.openVault(home: home) {
                vault = unlocked
            } else if case .passphrase = store.metadata.protection, !passphraseStdin {
                return .warn("recovery", "not checked: the vault is locked",
                             fix: "run 'twofold unlock' first, or 'twofold doctor --passphrase-stdin'")
            } else {
                vault = try Vault.open(home: home) { try PassphraseReader.read(prompt: "", fromStandardInput: true) }
            }
        } catch {
            return .fail("recovery", "not checked: the vault cannot be opened: \(error)", fix: "see the other lines; 'twofold status' shows the vault's state")
        }
        let roster: Roster?
        do { roster = try vault.roster() } catch {
            return .fail("recovery", "the account's roster cannot be opened: \(error)", fix: "run 'twofold sync' to fetch it again")
        }
        guard let roster else {
            return .warn("recovery", "no roster has reached this device yet", fix: "run 'twofold sync'")
        }
        guard roster.device(vault.device) != nil else {
            return .fail("recovery", "this device is not in the account's roster (revoked?)",
                         fix: "run 'twofold sync'; if the device was revoked, restore it with the recovery key or link it again")
        }
        let devices = roster.devices.count == 1 ? "1 device" : "\(roster.devices.count) devices"
        let message = "the account has a recovery key (\(devices)); keep its 24 words offline"
        if roster.passphrase == nil {
            return .ok("recovery", message + "; no account passphrase", fix: "optional: 'twofold passphrase set-recovery' adds one")
        }
        return .ok("recovery", message + "; an account passphrase is set too")
    }
}
