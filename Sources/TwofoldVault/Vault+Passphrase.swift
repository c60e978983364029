import Foundation
import GRDB
import TwofoldCrypto
import TwofoldProtocol

extension Vault {
    /// Re-wraps every epoch's vault key under a key derived from `newPassphrase`, in one
    /// transaction. A `--no-passphrase` vault becomes passphrase-protected and its key
    /// file is removed once the store no longer needs it.
    public func changePassphrase(to newPassphrase: String, cost: Argon2id.Cost = .moderate) throws(VaultError) {
        guard !newPassphrase.isEmpty else { throw .emptyPassphrase }
        guard cost.meetsMinimum else { throw .wrongProtection("the passphrase cost is below libsodium's MODERATE") }
        let salt = SecureRandom.bytes(Argon2id.saltLength)
        let kek = try Vault.deriveKEK(passphrase: newPassphrase, salt: salt, cost: cost)
        var rewrapped: [UInt32: [UInt8]] = [:]
        for (epoch, key) in keys {
            do {
                rewrapped[epoch] = try WrappedVaultKey.wrap(key, account: metadata.account, epoch: epoch, kek: kek)
            } catch {
                throw .storage(error.description)
            }
        }
        let wasKeyFile = metadata.protection == .keyFile
        let protection = LocalProtection.passphrase(salt: salt, cost: cost)
        try store.write { db in
            for (epoch, wrapped) in rewrapped { try VaultStore.replaceWrappedKey(epoch: epoch, wrapped: wrapped, db) }
            try VaultStore.updateProtection(protection, db)
        }
        metadata.protection = protection
        unlockKey = kek
        if wasKeyFile { unlink(home.keyFilePath) }
    }
}
