/// Why the vault refuses a sync operation, apart from storage failures
/// (``VaultError``) and records or heads that fail verification (`ProtocolError`).
public enum SyncRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The vault has no relay (`twofold init --relay`, `twofold relay set`).
    case notAttached
    /// The vault already has a relay account.
    case alreadyAttached(relay: String)
    /// This device is not in its account's roster any more (Protocol/devices.md, [DEV-4]).
    case removedFromRoster
    /// A head is signed by a device this locked vault has not seen in the roster yet.
    case unlockRequired(String)
    /// The relay's account is at an epoch whose key this device does not hold.
    case epochAhead(local: UInt32, relay: UInt32)
    /// The account's roster record is missing or cannot be opened.
    case rosterUnavailable(String)
    /// A key rotation cannot be prepared as asked (Protocol/devices.md, "Revocation and key rotation").
    case rotationRefused(String)
    /// A rotation prepared earlier has not been resolved yet.
    case rotationPending(toEpoch: UInt32)

    public var description: String {
        switch self {
        case .notAttached:
            return "this vault is not attached to a relay: run 'twofold relay set URL' (or 'twofold init --relay URL' in a new home)"
        case .alreadyAttached(let relay):
            return "this vault already syncs with \(relay): use 'twofold sync'"
        case .removedFromRoster:
            return "this device was removed from its account: nothing more is written; link it again from another device"
        case .unlockRequired(let why):
            return "\(why): sync again with the vault unlocked (drop --locked, or give the passphrase)"
        case .epochAhead(let local, let relay):
            return "the account moved to a new key (epoch \(relay), this device holds \(local)): unlock the vault and sync to fetch it (drop --locked, or unlock the daemon)"
        case .rotationRefused(let why):
            return why
        case .rotationPending(let epoch):
            return "a key rotation to epoch \(epoch) was started and not finished: run 'twofold sync' to finish it"
        case .rosterUnavailable(let why):
            return "the account's device roster is unavailable (\(why)): sync again; restore from another device if it repeats"
        }
    }
}
