@_spi(TestVectors) import TwofoldCrypto

/// A backup file: every record of a vault, sealed so that the 24 recovery words or the
/// account passphrase alone open it, with no relay and no other device (Protocol/crypto.md,
/// "Backup file"):
///
/// `backup = "TWOFOLD-BACKUP" || 0x01 || header_length (u32 BE) || header || nonce (24) || XChaCha20-Poly1305(pad(image), AD, nonce, file_key)`,
/// `header = account_id (16) || epoch (u32 BE) || created_ms (u64 BE) || relay_length (u16 BE) || relay_url || holder_count (u8) || holder*`,
/// `holder = kind (u8) || [salt (16) || ops_limit (u64 BE) || mem_limit (u64 BE)] || vk_grant (101) || key_seal (97)`,
/// `AD = "twofold/backup/v1" || every byte before the nonce`.
///
/// The image is a snapshot's ("Snapshot"): the records as they are sealed, so a reader also
/// needs the epoch's vault key, which each holder carries as an ordinary grant. The outer
/// key is a fresh `file_key` per file, sealed to each holder's X25519 key: the writer needs
/// only public keys and grants it already has to make one.
public enum BackupFile {
    /// Who can open a backup.
    public enum HolderKind: UInt8, Sendable, CaseIterable {
        /// The 24-word recovery key.
        case recoveryKey = 1
        /// The account passphrase; its salt and cost travel in the header.
        case passphrase = 2

        var name: String { self == .recoveryKey ? "the recovery key" : "the account passphrase" }
    }

    /// One way into the backup.
    public struct Holder: Sendable, Equatable {
        /// Recovery key or passphrase.
        public var kind: HolderKind
        /// The passphrase's salt and cost (passphrase holders only).
        public var passphrase: PassphraseParameters?
        /// `VK_epoch` sealed to the holder's X25519 key (crypto.md, "Grants").
        public var vaultKeyGrant: [UInt8]
        /// `crypto_box_seal(0x01 || account_id || file_key, holder_x25519_pk)`.
        public var keySeal: [UInt8]
    }

    /// The clear, authenticated front of a backup.
    public struct Header: Sendable, Equatable {
        /// The account the records belong to.
        public var account: AccountID
        /// The epoch every record, and the grants, are of.
        public var epoch: UInt32
        /// When the backup was written, Unix milliseconds (the writer's clock).
        public var createdMilliseconds: UInt64
        /// The relay the account synced with when the backup was written (may be gone).
        public var relayURL: String
        /// One or two holders, of distinct kinds.
        public var holders: [Holder]

        /// The holder of `kind`, if the backup has one.
        public func holder(_ kind: HolderKind) -> Holder? { holders.first { $0.kind == kind } }
    }

    /// What a writer seals the file key to: a holder's X25519 key, its grant of `VK_epoch`
    /// and, for the passphrase, its salt and cost.
    public struct Recipient: Sendable {
        /// Recovery key or passphrase.
        public var kind: HolderKind
        /// The holder's X25519 public key, from the roster.
        public var boxKey: [UInt8]
        /// `VK_epoch` sealed to that key.
        public var vaultKeyGrant: [UInt8]
        /// The passphrase's salt and cost (passphrase recipients only).
        public var passphrase: PassphraseParameters?

        /// Creates a recipient.
        public init(kind: HolderKind, boxKey: [UInt8], vaultKeyGrant: [UInt8], passphrase: PassphraseParameters? = nil) {
            self.kind = kind
            self.boxKey = boxKey
            self.vaultKeyGrant = vaultKeyGrant
            self.passphrase = passphrase
        }
    }

    /// The 14 ASCII bytes a backup starts with.
    public static let magic: [UInt8] = Array("TWOFOLD-BACKUP".utf8)
    /// Format byte.
    public static let formatVersion: UInt8 = 1
    /// Associated-data label.
    public static let associatedDataLabel = "twofold/backup/v1"
    /// Longest header a reader accepts.
    public static let maximumHeaderLength = 8192
    /// Longest relay URL.
    public static let maximumRelayURLLength = 2048
    /// Largest backup a reader accepts: a snapshot's limit plus the header.
    public static let maximumLength = SnapshotCipher.maximumLength + maximumHeaderLength + 64
    /// A key seal: 49 bytes of plaintext and the sealed box's 48.
    public static let keySealLength = 97
    static let keySealPlaintextLength = 49
    static let prefixLength = magic.count + 1 + 4

    /// Seals `records` (all of `account`, sealed under `epoch`) for `recipients`.
    public static func seal(
        _ records: [SealedRecord], account: AccountID, epoch: UInt32, createdMilliseconds: UInt64,
        relayURL: String, recipients: [Recipient]
    ) throws(ProtocolError) -> [UInt8] {
        try seal(records, account: account, epoch: epoch, createdMilliseconds: createdMilliseconds, relayURL: relayURL,
                 recipients: recipients, fileKey: SecureBytes.random(count: 32), nonce: SecureRandom.bytes(24),
                 ephemeralSeeds: nil)
    }

    /// Seals with a given file key, nonce and ephemeral seeds, so vectors can be rebuilt;
    /// never for real backups.
    @_spi(TestVectors)
    public static func seal(
        _ records: [SealedRecord], account: AccountID, epoch: UInt32, createdMilliseconds: UInt64,
        relayURL: String, recipients: [Recipient], fileKey: SecureBytes, nonce: [UInt8], ephemeralSeeds: [[UInt8]]?
    ) throws(ProtocolError) -> [UInt8] {
        guard (1...HolderKind.allCases.count).contains(recipients.count),
              Set(recipients.map(\.kind)).count == recipients.count else {
            throw .malformed(what: "backup", reason: "it needs one recipient of each kind it names: the recovery key, and the passphrase if set")
        }
        for record in records where record.header.account != account || record.header.epoch != epoch {
            throw .malformed(what: "backup", reason: "record \(record.header.id) is not of this account and epoch: re-seal it first")
        }
        var holders: [Holder] = []
        for (i, recipient) in recipients.enumerated() {
            guard recipient.vaultKeyGrant.count == Grant.length else {
                throw .malformed(what: "backup", reason: "the grant for \(recipient.kind.name) is not \(Grant.length) bytes")
            }
            guard (recipient.kind == .passphrase) == (recipient.passphrase != nil) else {
                throw .malformed(what: "backup", reason: "passphrase parameters go with the passphrase recipient only")
            }
            let plain = [formatVersion] + account.bytes + fileKey.copyBytes()
            let seal: [UInt8]
            do {
                if let seeds = ephemeralSeeds {
                    seal = try SealedBox.seal(plain, to: recipient.boxKey, ephemeralSeed: seeds[i])
                } else {
                    seal = try SealedBox.seal(plain, to: recipient.boxKey)
                }
            } catch {
                throw .malformed(what: "backup recipient key", reason: error.description)
            }
            holders.append(Holder(kind: recipient.kind, passphrase: recipient.passphrase,
                                  vaultKeyGrant: recipient.vaultKeyGrant, keySeal: seal))
        }
        let header = Header(account: account, epoch: epoch, createdMilliseconds: createdMilliseconds,
                            relayURL: relayURL, holders: holders.sorted { $0.kind.rawValue < $1.kind.rawValue })
        let prefix = try encodePrefix(header)
        let image = SnapshotImage.encode(records)
        let padded = Padding.pad(image, blockSize: SnapshotCipher.bucket(forImageLength: image.count))
        do {
            let body = try XChaCha20Poly1305.seal(padded, associatedData: associatedData(prefix), nonce: nonce, key: fileKey)
            return prefix + nonce + body
        } catch {
            throw .malformed(what: "backup file key", reason: error.description)
        }
    }

    /// Reads the header without any key: which account, epoch and relay, and who can open it.
    ///
    /// Checks, in order: the magic (*parse failure*: not a backup), the format byte
    /// (*unsupported version*), the lengths and the header layout (*parse failure*) [CRY-21].
    public static func header(of backup: [UInt8]) throws(ProtocolError) -> Header {
        try readHeader(backup).header
    }

    /// Opens a backup with the key pairs of one holder (the recovery key's, or the
    /// passphrase's derived with the salt and cost of ``header(of:)``), and returns the
    /// header, the epoch's vault key and the records, still individually sealed.
    ///
    /// After ``header(of:)``'s checks: a holder of `kind` exists (*parse failure*), its key
    /// seal opens (*authentication failure*: wrong words or passphrase), names this account
    /// (*binding failure*), the body opens (*authentication failure*: damaged), its padding
    /// and image are well formed (*payload failure*), and the holder's grant opens to the
    /// vault key of the header's account and epoch (*authentication* or *binding failure*) [CRY-21].
    public static func open(
        _ backup: [UInt8], kind: HolderKind, keys: AccountKeyPairs
    ) throws(ProtocolError) -> (header: Header, vaultKey: SecureBytes, records: [SealedRecord]) {
        let (header, prefixEnd) = try readHeader(backup)
        guard let holder = header.holder(kind) else {
            throw .malformed(what: "backup", reason: "it cannot be opened with \(kind.name): it was written with \(header.holders.map(\.kind.name).joined(separator: " and ")) only")
        }
        let fileKey = try openKeySeal(holder.keySeal, account: header.account, keys: keys, kind: kind)
        let nonce = Array(backup[prefixEnd..<prefixEnd + 24])
        let padded: [UInt8]
        do {
            padded = try XChaCha20Poly1305.open(Array(backup[(prefixEnd + 24)...]),
                                                associatedData: associatedData(Array(backup[..<prefixEnd])),
                                                nonce: nonce, key: fileKey)
        } catch {
            throw .authenticationFailed(what: "backup contents (the file is damaged)")
        }
        guard padded.count >= SnapshotCipher.minimumBucket, padded.count & (padded.count - 1) == 0 else {
            throw .malformed(what: "backup image", reason: "padded length \(padded.count) is not a bucket size")
        }
        let image: [UInt8]
        do { image = try Padding.unpad(padded, blockSize: padded.count) } catch {
            throw .malformed(what: "backup image", reason: "bad padding")
        }
        guard SnapshotCipher.bucket(forImageLength: image.count) == padded.count else {
            throw .malformed(what: "backup image", reason: "padding larger than its bucket")
        }
        let records = try SnapshotImage.decode(image, account: header.account, epoch: header.epoch)
        let vaultKey = try Grant.open(holder.vaultKeyGrant, account: header.account, epoch: header.epoch, with: keys.box)
        return (header, vaultKey, records)
    }

    // MARK: - Layout

    private static func associatedData(_ prefix: [UInt8]) -> [UInt8] { Array(associatedDataLabel.utf8) + prefix }

    private static func encodePrefix(_ header: Header) throws(ProtocolError) -> [UInt8] {
        let url = Array(header.relayURL.utf8)
        guard (1...maximumRelayURLLength).contains(url.count) else {
            throw .malformed(what: "backup", reason: "the relay URL is \(url.count) bytes, outside 1…\(maximumRelayURLLength)")
        }
        var h = ByteWriter(capacity: 512)
        h.append(header.account.bytes)
        h.append(header.epoch)
        h.append(header.createdMilliseconds)
        h.append(UInt16(url.count))
        h.append(url)
        h.append(UInt8(header.holders.count))
        for holder in header.holders {
            h.append(holder.kind.rawValue)
            if let p = holder.passphrase {
                h.append(p.salt)
                h.append(p.cost.opsLimit)
                h.append(p.cost.memLimit)
            }
            h.append(holder.vaultKeyGrant)
            h.append(holder.keySeal)
        }
        var w = ByteWriter(capacity: prefixLength + h.bytes.count)
        w.append(magic)
        w.append(formatVersion)
        w.append(UInt32(h.bytes.count))
        w.append(h.bytes)
        return w.bytes
    }

    private static func readHeader(_ backup: [UInt8]) throws(ProtocolError) -> (header: Header, prefixEnd: Int) {
        guard backup.count >= magic.count, Array(backup[..<magic.count]) == magic else {
            throw .malformed(what: "backup", reason: "the file is not a Twofold backup (it does not start with TWOFOLD-BACKUP)")
        }
        guard backup.count > magic.count else { throw .malformed(what: "backup", reason: "truncated after its magic") }
        let format = backup[magic.count]
        guard format == formatVersion else { throw .unsupportedVersion(what: "backup", version: format) }
        var r = ByteReader(Array(backup.prefix(prefixLength + maximumHeaderLength)), what: "backup")
        _ = try r.read(count: magic.count + 1)
        let headerLength = Int(try r.readUInt32())
        guard headerLength <= maximumHeaderLength else {
            throw .malformed(what: "backup", reason: "a header of \(headerLength) bytes is over \(maximumHeaderLength)")
        }
        let prefixEnd = prefixLength + headerLength
        let minimum = prefixEnd + 24 + SnapshotCipher.minimumBucket + XChaCha20Poly1305.tagLength
        guard backup.count >= minimum, backup.count <= maximumLength else {
            throw .malformed(what: "backup", reason: "\(backup.count) bytes is outside \(minimum)…\(maximumLength): the file is truncated or not a backup")
        }
        var h = ByteReader(try r.read(count: headerLength), what: "backup header")
        let account = try AccountID(bytes: try h.read(count: 16))
        let epoch = try h.readUInt32()
        guard epoch >= 1 else { throw .malformed(what: "backup header", reason: "epoch 0") }
        let created = try h.readUInt64()
        let urlLength = Int(try h.readUInt16())
        guard (1...maximumRelayURLLength).contains(urlLength),
              let url = String(validating: try h.read(count: urlLength), as: UTF8.self) else {
            throw .malformed(what: "backup header", reason: "the relay URL is empty, too long or not UTF-8")
        }
        let count = Int(try h.readUInt8())
        guard (1...HolderKind.allCases.count).contains(count) else {
            throw .malformed(what: "backup header", reason: "\(count) holders, not 1 or 2")
        }
        var holders: [Holder] = []
        for _ in 0..<count {
            let raw = try h.readUInt8()
            guard let kind = HolderKind(rawValue: raw) else {
                throw .malformed(what: "backup header", reason: "unknown holder kind \(raw)")
            }
            if let last = holders.last, last.kind.rawValue >= raw {
                throw .malformed(what: "backup header", reason: "holders out of order or repeated")
            }
            var parameters: PassphraseParameters?
            if kind == .passphrase {
                let salt = try h.read(count: 16)
                let cost = Argon2id.Cost(opsLimit: try h.readUInt64(), memLimit: try h.readUInt64())
                parameters = try PassphraseParameters(salt: salt, cost: cost)
            }
            holders.append(Holder(kind: kind, passphrase: parameters, vaultKeyGrant: try h.read(count: Grant.length),
                                  keySeal: try h.read(count: keySealLength)))
        }
        try h.expectEnd()
        return (Header(account: account, epoch: epoch, createdMilliseconds: created, relayURL: url, holders: holders), prefixEnd)
    }

    private static func openKeySeal(_ seal: [UInt8], account: AccountID, keys: AccountKeyPairs,
                                    kind: HolderKind) throws(ProtocolError) -> SecureBytes {
        let plain: SecureBytes
        do { plain = try SealedBox.open(seal, with: keys.box) } catch {
            throw .authenticationFailed(what: "backup key (\(kind == .recoveryKey ? "these are not the words" : "this is not the passphrase") of the account that wrote it)")
        }
        let parts = plain.withUnsafeBytes { p -> (format: UInt8, account: [UInt8], key: SecureBytes)? in
            guard p.count == keySealPlaintextLength else { return nil }
            return (p[0], Array(p[1..<17]), SecureBytes(p[17..<49]))
        }
        guard let parts else { throw .malformed(what: "backup key", reason: "\(plain.count) bytes instead of \(keySealPlaintextLength)") }
        guard parts.format == formatVersion else { throw .unsupportedVersion(what: "backup key", version: parts.format) }
        guard parts.account == account.bytes else { throw .bindingMismatch(what: "backup key", reason: "it is for another account") }
        return parts.key
    }
}
