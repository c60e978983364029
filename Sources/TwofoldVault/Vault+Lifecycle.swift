import Foundation
import GRDB
import TwofoldCrypto
import TwofoldProtocol

/// What unlocking needs: the passphrase, asked for only when the vault has one.
public typealias PassphraseProvider = () throws -> String

extension Vault {
    /// Creates a vault in `home`: a new account id, device id and vault key (epoch 1),
    /// wrapped by `passphrase` (Argon2id at `cost`) or, when nil, by a key file.
    ///
    /// The key file is written before the store and removed again if the store cannot
    /// be created, so a failed `init` leaves nothing behind.
    public static func create(
        home: VaultHome, passphrase: String?, cost: Argon2id.Cost = .moderate,
        nowMilliseconds: UInt64 = UInt64(Date().timeIntervalSince1970 * 1000)
    ) throws(VaultError) -> Vault {
        if let passphrase, passphrase.isEmpty { throw .emptyPassphrase }
        guard cost.meetsMinimum else { throw .wrongProtection("the passphrase cost is below libsodium's MODERATE") }
        try home.createDirectory()
        guard !home.hasVault else { throw .alreadyInitialized(home: home.path) }

        let account = AccountID.random()
        let vaultKey = SecureBytes.random(count: 32)
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
            account: account, device: DeviceID.random(), currentEpoch: 1, clock: 0,
            protection: protection, createdMilliseconds: nowMilliseconds)
        do {
            let wrapped = try WrappedVaultKey.wrap(vaultKey, account: account, epoch: 1, kek: kek)
            let store = try VaultStore.create(home: home, metadata: metadata, wrappedKey: wrapped)
            return Vault(store: store, home: home, keys: [1: vaultKey], unlockKey: kek, metadata: metadata)
        } catch {
            if protection == .keyFile { unlink(home.keyFilePath) }
            for suffix in ["", "-wal", "-shm"] { unlink(home.databasePath + suffix) }
            if let error = error as? VaultError { throw error }
            throw .storage(String(describing: error))
        }
    }

    /// Opens and unlocks the vault in `home`. `passphrase` is called only for a
    /// passphrase-protected vault. Nothing is written.
    public static func open(home: VaultHome, passphrase: PassphraseProvider) throws(VaultError) -> Vault {
        let store = try VaultStore.open(home: home)
        let (metadata, wrappedKeys) = try store.read { db in
            (try VaultStore.fetchMetadata(db), try VaultStore.fetchWrappedKeys(db))
        }
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

    /// The protection of the vault in `home`, without unlocking it (so a CLI knows
    /// whether to ask for a passphrase).
    public static func protection(home: VaultHome) throws(VaultError) -> LocalProtection {
        let store = try VaultStore.open(home: home)
        return try store.read { try VaultStore.fetchMetadata($0) }.protection
    }

    static func deriveKEK(passphrase: String, salt: [UInt8], cost: Argon2id.Cost) throws(VaultError) -> SecureBytes {
        if passphrase.isEmpty { throw .wrongPassphrase }
        guard cost.isSane else { throw .storage("the stored passphrase cost is out of range") }
        do {
            return try LocalKey.derive(passphrase: passphrase, parameters: try PassphraseParameters(salt: salt, cost: cost))
        } catch {
            throw .storage(error.description)
        }
    }

    /// Writes the key file atomically with mode 0600 (temporary file, fsync, rename).
    static func writeKeyFile(_ kek: SecureBytes, home: VaultHome) throws(VaultError) {
        let temporary = home.keyFilePath + ".tmp"
        unlink(temporary)
        let fd = Foundation.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .storage("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let bytes = Array(LocalKey.fileContents(kek).utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, home.keyFilePath) == 0 else {
            unlink(temporary)
            throw .storage("cannot write the key file \(home.keyFilePath)")
        }
    }

    static func readKeyFile(home: VaultHome) throws(VaultError) -> SecureBytes {
        guard let data = FileManager.default.contents(atPath: home.keyFilePath) else {
            throw .keyFileMissing(path: home.keyFilePath)
        }
        guard data.count < 4096, let text = String(data: data, encoding: .utf8),
              let key = try? LocalKey.parseFile(text)
        else {
            throw .keyFileInvalid(path: home.keyFilePath)
        }
        return key
    }
}
