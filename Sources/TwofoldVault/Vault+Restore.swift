import Foundation
import TwofoldCrypto
import TwofoldProtocol

extension Vault {
    /// What a device that joins an existing account brings to its new vault: the ids and
    /// keys it generated and the vault key it opened from a grant (Protocol/devices.md,
    /// "Restoring", steps 2–4).
    public struct Joining: Sendable {
        /// The account joined.
        public var account: AccountID
        /// This device's id, as registered with the relay.
        public var device: DeviceID
        /// The account's current epoch.
        public var epoch: UInt32
        /// `VK` of `epoch`, opened from the grant.
        public var vaultKey: SecureBytes
        /// This device's Ed25519 key pair.
        public var signing: Ed25519KeyPair
        /// This device's X25519 key pair.
        public var box: X25519KeyPair
        /// The relay's origin.
        public var relayURL: String

        /// Creates the description of a joining device.
        public init(account: AccountID, device: DeviceID, epoch: UInt32, vaultKey: SecureBytes,
                    signing: Ed25519KeyPair, box: X25519KeyPair, relayURL: String) {
            self.account = account
            self.device = device
            self.epoch = epoch
            self.vaultKey = vaultKey
            self.signing = signing
            self.box = box
            self.relayURL = relayURL
        }
    }

    /// Creates the vault of a device joining an account (restore or link) in an empty
    /// `home`, protected like ``create(home:passphrase:cost:nowMilliseconds:)``, attached to
    /// the relay in state `ready`. On failure nothing is left behind.
    public static func createJoined(
        home: VaultHome, passphrase: String?, joining: Joining, cost: Argon2id.Cost = .moderate,
        nowMilliseconds: UInt64 = UInt64(Date().timeIntervalSince1970 * 1000)
    ) throws -> Vault {
        if let passphrase, passphrase.isEmpty { throw VaultError.emptyPassphrase }
        try home.createDirectory()
        guard !home.hasVault else { throw VaultError.alreadyInitialized(home: home.path) }
        let kek: SecureBytes
        let protection: LocalProtection
        if let passphrase {
            let salt = SecureRandom.bytes(Argon2id.saltLength)
            kek = try deriveKEK(passphrase: passphrase, salt: salt, cost: cost)
            protection = .passphrase(salt: salt, cost: cost)
        } else {
            kek = SecureBytes.random(count: 32)
            try writeKeyFile(kek, home: home)
            protection = .keyFile
        }
        let metadata = VaultMetadata(
            account: joining.account, device: joining.device, currentEpoch: joining.epoch, clock: 0,
            protection: protection, createdMilliseconds: nowMilliseconds)
        do {
            let wrapped = try WrappedVaultKey.wrap(joining.vaultKey, account: joining.account, epoch: joining.epoch, kek: kek)
            let store = try VaultStore.create(home: home, metadata: metadata, wrappedKey: wrapped)
            let keyRow = VaultStore.DeviceKeyRow(
                signSecret: joining.signing.secretKey.copyBytes(), boxPublic: joining.box.publicKey,
                boxWrapped: try LocalSecretWrap.wrap(joining.box.secretKey, label: LocalSecretWrap.boxLabel,
                                                     account: joining.account, device: joining.device,
                                                     epoch: joining.epoch, vaultKey: joining.vaultKey),
                boxEpoch: joining.epoch)
            try store.write { db in
                try VaultStore.insertDeviceKeys(keyRow, db)
                try VaultStore.insertSyncState(relayURL: joining.relayURL, pendingRecovery: nil, db)
            }
            return Vault(store: store, home: home, keys: [joining.epoch: joining.vaultKey], unlockKey: kek, metadata: metadata)
        } catch {
            if protection == .keyFile { unlink(home.keyFilePath) }
            for suffix in ["", "-wal", "-shm"] { unlink(home.databasePath + suffix) }
            throw error
        }
    }
}
