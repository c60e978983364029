import Testing
import TwofoldCrypto
import TwofoldProtocol

/// `backups/`: derive the holder's keys, open, compare the header, the vault key and the
/// record list, open every record.
enum BackupVectorChecks {
    @Sendable static func check(_ file: VectorFile) throws -> String {
        let backup = try file.dataBytes()
        do {
            let kind: BackupFile.HolderKind
            let keys: AccountKeyPairs
            if try file.string("opens-with") == "passphrase" {
                kind = .passphrase
                // The salt and cost come from the file's header, as a restoring device reads them.
                guard let parameters = try BackupFile.header(of: backup).holder(.passphrase)?.passphrase else {
                    _ = try BackupFile.open(backup, kind: .passphrase, keys: RecoveryKey.generate().keyPairs)
                    return "unexpected success"
                }
                keys = try parameters.keyPairs(passphrase: try file.string("passphrase"))
            } else {
                kind = .recoveryKey
                keys = try RecoveryKey(secret: try file.secret("recovery-key")).keyPairs
            }
            let (header, vaultKey, records) = try BackupFile.open(backup, kind: kind, keys: keys)
            let account = try AccountID(hex: try file.string("account-id"))
            #expect(header.account == account, "\(file.path): account")
            #expect(header.epoch == (try file.number("epoch")), "\(file.path): epoch")
            #expect(header.createdMilliseconds == (try file.number("created-ms")), "\(file.path): created")
            #expect(header.relayURL == (try file.string("relay-url")), "\(file.path): relay")
            #expect(vaultKey == (try file.secret("vault-key")), "\(file.path): vault key")
            let expected = try file.values("record").map { try VectorFile.recordHeader(line: $0, account: account) }
            #expect(records.map(\.header) == expected, "\(file.path): records")
            for record in records { _ = try RecordCipher.open(record, key: vaultKey) }
            return "success"
        } catch let error as VectorFileError {
            throw error
        } catch {
            return Layer.of(error)
        }
    }
}
