import TwofoldCrypto
import TwofoldProtocol

/// How this device's copy of the vault key is protected at rest.
public enum LocalProtection: Sendable, Equatable {
    /// Wrapped by a key derived from the local passphrase with Argon2id.
    case passphrase(salt: [UInt8], cost: Argon2id.Cost)
    /// Wrapped by a random key kept in the home's key file (`--no-passphrase`).
    case keyFile
}

/// The single row of vault-wide state: who this device is and where its clock stands.
public struct VaultMetadata: Sendable, Equatable {
    /// The account (vault) id, random until the vault is attached to a relay account.
    public var account: AccountID
    /// This device's id.
    public var device: DeviceID
    /// The key epoch new records are sealed under.
    public var currentEpoch: UInt32
    /// The last hybrid-logical-clock reading issued or seen.
    public var clock: UInt64
    /// How the vault key is protected here.
    public var protection: LocalProtection
    /// Creation time, Unix milliseconds.
    public var createdMilliseconds: UInt64
}
