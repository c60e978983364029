import Foundation
import TwofoldCrypto
import TwofoldProtocol

extension Vault {
    /// The vault's local unlock key: the key-encryption key that wraps every epoch's `VK`
    /// (Protocol/crypto.md, "Local key wrapping"). For a passphrase vault it is Argon2id of
    /// the passphrase; for a `--no-passphrase` vault it is the key file's key.
    ///
    /// This is what `twofold unlock` hands to the daemon and what the daemon hands back to
    /// a same-user client (Protocol/daemon.md, "Unlocking"): holding it is exactly as good
    /// as knowing the passphrase of *this* vault (the salt is per vault), and it survives key
    /// rotations, since every new epoch's `VK` is wrapped by it. The key is checked against
    /// the stored wrapped keys before it is returned, so a wrong passphrase fails here.
    public static func unlockKey(home: VaultHome, passphrase: PassphraseProvider) throws(VaultError) -> SecureBytes {
        let store = try VaultStore.open(home: home)
        let metadata = try store.read { try VaultStore.fetchMetadata($0) }
        let kek: SecureBytes
        switch metadata.protection {
        case .keyFile:
            kek = try readKeyFile(home: home)
        case .passphrase(let salt, let cost):
            let text: String
            do { text = try passphrase() } catch let error as VaultError { throw error } catch {
                throw .wrongProtection(String(describing: error))
            }
            kek = try deriveKEK(passphrase: text, salt: salt, cost: cost)
        }
        _ = try open(store: store, home: home, unlockKey: kek)
        return kek
    }

    /// Opens the vault in `home` with its unlock key (``unlockKey(home:passphrase:)``)
    /// instead of a passphrase: how a client opens the vault with the key the daemon keeps
    /// (Protocol/daemon.md, "Unlocking"). A key that does not unwrap every stored `VK` is
    /// refused with ``VaultError/wrongPassphrase`` (or ``VaultError/keyFileInvalid(path:)``).
    public static func open(home: VaultHome, unlockKey: SecureBytes) throws(VaultError) -> Vault {
        try open(store: try VaultStore.open(home: home), home: home, unlockKey: unlockKey)
    }

    private static func open(store: VaultStore, home: VaultHome, unlockKey kek: SecureBytes) throws(VaultError) -> Vault {
        let (metadata, wrappedKeys) = try store.read { db in
            (try VaultStore.fetchMetadata(db), try VaultStore.fetchWrappedKeys(db))
        }
        var keys: [UInt32: SecureBytes] = [:]
        for (epoch, wrapped) in wrappedKeys {
            do {
                keys[epoch] = try WrappedVaultKey.unwrap(wrapped, account: metadata.account, epoch: epoch, kek: kek)
            } catch {
                if metadata.protection == .keyFile { throw .keyFileInvalid(path: home.keyFilePath) }
                throw .wrongPassphrase
            }
        }
        guard keys[metadata.currentEpoch] != nil else {
            throw .storage("the key of the current epoch \(metadata.currentEpoch) is missing")
        }
        return Vault(store: store, home: home, keys: keys, unlockKey: kek, metadata: metadata)
    }
}
