import TwofoldCrypto
import TwofoldProtocol

/// `records/`: sealing and opening records (Protocol/crypto.md, "Sealed record").
///
/// Header: `vault-key`, the record's metadata as the reader knows it (`account-id`,
/// `record-id`, `kind`, `hlc`, `device-id`, `epoch`, `deleted`) and, on success, the
/// unpadded `payload`. Data: the sealed bytes, hex.
enum RecordVectors: VectorFamily {
    static let directory = "records"
    typealias F = Fixtures

    static let tokenID = try! RecordID(bytes: Seed.bytes("record/totp", 16))
    static let hotpID = try! RecordID(bytes: Seed.bytes("record/hotp", 16))
    static let steamID = try! RecordID(bytes: Seed.bytes("record/steam", 16))

    static func vector(
        _ name: String, _ expect: String, _ comment: String, record: SealedRecord,
        reader: RecordHeader? = nil, key: [UInt8] = F.vaultKey1, payload: [UInt8]? = nil, sealed: [UInt8]? = nil
    ) -> VectorFile {
        var fields: [VectorFile.Field] = [.init("vault-key", Hex.encode(key))] + F.fields(reader ?? record.header)
        if let payload { fields.append(.init("payload", Hex.encode(payload))) }
        return F.file("\(directory)/\(name)", expect, comment, fields, data: VectorFile.hex(sealed ?? record.sealed))
    }

    static func files() -> [VectorFile] {
        let tokenHeader = F.header(id: tokenID, kind: .token, hlc: F.hlc(F.now, 3))
        let tokenPayload = TokenPayload.encode(F.totp)
        let token = F.seal(tokenPayload, tokenHeader, key: F.vaultKey1, nonceLabel: "records/totp")

        let hotpPayload = TokenPayload.encode(F.hotp)
        let hotp = F.seal(hotpPayload, F.header(id: hotpID, kind: .token, hlc: F.hlc(F.now + 1), device: F.deviceB),
                          key: F.vaultKey1, nonceLabel: "records/hotp")

        let steamPayload = TokenPayload.encode(F.steam)
        let steam = F.seal(steamPayload, F.header(id: steamID, kind: .token, hlc: F.hlc(F.now + 2), epoch: 2),
                           key: F.vaultKey2, nonceLabel: "records/steam")

        let counterPayload = CounterPayload(token: hotpID, next: 12).encoded()
        let counterHeader = F.header(id: CounterPayload.recordID(token: hotpID, device: F.deviceA), kind: .hotpCounter,
                                     hlc: F.hlc(F.now + 5))
        let counter = F.seal(counterPayload, counterHeader, key: F.vaultKey1, nonceLabel: "records/counter")

        let rosterPayload = RosterVectors.roster.encoded()
        let roster = F.seal(rosterPayload, F.header(id: Roster.recordID(account: F.account), kind: .roster, hlc: F.hlc(F.now + 7)),
                            key: F.vaultKey1, nonceLabel: "records/roster")

        let tombstone = F.seal([], F.header(id: tokenID, kind: .token, hlc: F.hlc(F.now + 60_000), device: F.deviceB, deleted: true),
                               key: F.vaultKey1, nonceLabel: "records/tombstone")

        var files: [VectorFile] = [
            vector("token-totp", "success", "a TOTP token, payload \(tokenPayload.count) bytes padded to 256", record: token, payload: tokenPayload),
            vector("token-hotp", "success", "an HOTP token written by another device", record: hotp, payload: hotpPayload),
            vector("token-steam-512", "success", "a Steam token whose long note takes the payload past 255 bytes: bucket 512, epoch 2",
                   record: steam, key: F.vaultKey2, payload: steamPayload),
            vector("counter", "success", "device A's HOTP counter record for the HOTP token: next counter 12",
                   record: counter, payload: counterPayload),
            vector("roster", "success", "the account's roster record at its fixed id (roster/ holds the payload's layout)",
                   record: roster, payload: rosterPayload),
            vector("tombstone", "success", "a deleted token: empty payload, deleted = 1, still sealed so the AD is authenticated",
                   record: tombstone, payload: []),
            vector("wrong-key", "authentication failure", "the TOTP record opened with the epoch-2 key",
                   record: token, key: F.vaultKey2),
        ]

        // Every field bound by the AD, changed one at a time on the reader's side.
        var h = tokenHeader
        h.account = F.otherAccount
        files.append(vector("ad-account-id", "authentication failure", "the reader expects another account id", record: token, reader: h))
        h = tokenHeader; h.id = hotpID
        files.append(vector("ad-record-id", "authentication failure", "the reader expects another record id", record: token, reader: h))
        h = tokenHeader; h.kind = .hotpCounter
        files.append(vector("ad-kind", "authentication failure", "the reader expects kind 2", record: token, reader: h))
        h = tokenHeader; h.version = RecordVersion(hlc: tokenHeader.version.hlc + 1, device: F.deviceA)
        files.append(vector("ad-hlc", "authentication failure", "the reader expects an hlc one higher", record: token, reader: h))
        h = tokenHeader; h.version = RecordVersion(hlc: tokenHeader.version.hlc, device: F.deviceB)
        files.append(vector("ad-device-id", "authentication failure", "the reader expects another version device", record: token, reader: h))
        h = tokenHeader; h.epoch = 2
        files.append(vector("ad-epoch", "authentication failure", "the reader expects epoch 2 (and uses epoch 1's key)", record: token, reader: h))
        h = tokenHeader; h.deleted = true
        files.append(vector("ad-deleted", "authentication failure", "the reader expects a tombstone", record: token, reader: h))

        var bytes = token.sealed
        bytes[40] ^= 0x01
        files.append(vector("ciphertext-flipped", "authentication failure", "one ciphertext bit flipped", record: token, sealed: bytes))
        bytes = token.sealed
        bytes[5] ^= 0x80
        files.append(vector("nonce-flipped", "authentication failure", "one nonce bit flipped", record: token, sealed: bytes))
        bytes = token.sealed
        bytes[bytes.count - 1] ^= 0x01
        files.append(vector("tag-flipped", "authentication failure", "one tag bit flipped", record: token, sealed: bytes))

        files.append(vector("truncated-short", "parse failure",
                            "the \(token.sealed.count)-byte record cut by one byte: shorter than 1 + 24 + 256 + 16", record: token, sealed: token.sealed.dropLast()))
        files.append(vector("truncated-512", "authentication failure",
                            "the \(steam.sealed.count)-byte record cut by one byte: long enough to try, so the tag fails",
                            record: steam, key: F.vaultKey2, sealed: steam.sealed.dropLast()))
        files.append(vector("truncated-to-nonce", "parse failure", "only the format byte and nonce", record: token,
                            sealed: Array(token.sealed.prefix(25))))
        files.append(vector("empty", "parse failure", "no bytes at all", record: token, sealed: []))
        bytes = token.sealed
        bytes[0] = 0x02
        files.append(vector("version-2", "unsupported version", "format byte 0x02: readers refuse what they do not know",
                            record: token, sealed: bytes))
        bytes[0] = 0x00
        files.append(vector("version-0", "unsupported version", "format byte 0x00", record: token, sealed: bytes))

        files += paddingFiles(tokenHeader)
        files += payloadFiles(tokenHeader, counterHeader)
        return files
    }

    /// Authentic ciphertexts whose plaintext breaks the padding rules.
    static func paddingFiles(_ header: RecordHeader) -> [VectorFile] {
        let payload = TokenPayload.encode(Fixtures.totp)
        let notBucket = F.sealPadded(Padding.pad(payload, blockSize: 300), header, key: F.vaultKey1, nonceLabel: "records/pad-300")
        let oversized = F.sealPadded(Padding.pad(payload, blockSize: 512), header, key: F.vaultKey1, nonceLabel: "records/pad-512")
        let noMarker = F.sealPadded([UInt8](repeating: 0, count: 256), header, key: F.vaultKey1, nonceLabel: "records/pad-none")
        var badByte = Padding.pad(payload, blockSize: 256)
        badByte[255] = 0x01
        let trailing = F.sealPadded(badByte, header, key: F.vaultKey1, nonceLabel: "records/pad-trailing")
        return [
            vector("padding-not-bucket", "payload failure", "padded to 300 bytes: not a power of two", record: notBucket),
            vector("padding-oversized", "payload failure", "a \(payload.count)-byte payload padded to 512 instead of 256", record: oversized),
            vector("padding-no-marker", "payload failure", "256 zero bytes: no 0x80 marker", record: noMarker),
            vector("padding-nonzero", "payload failure", "a non-zero byte after the 0x80 marker", record: trailing),
        ]
    }

    /// Authentic, well-padded records whose payload is wrong for its kind.
    static func payloadFiles(_ tokenHeader: RecordHeader, _ counterHeader: RecordHeader) -> [VectorFile] {
        var tomb = tokenHeader
        tomb.deleted = true
        let withPayload = F.seal([0x01], tomb, key: F.vaultKey1, nonceLabel: "records/tomb-payload")

        let unknownField = TokenPayload.encode(Fixtures.totp) + [11, 0, 1, 0]
        // The Steam fixture with its algorithm field (tag 5, length 1) set to SHA-512.
        var steamSHA512 = TokenPayload.encode(Fixtures.steam)
        let algorithmField: [UInt8] = [5, 0, 1, 1]
        let at = (0...(steamSHA512.count - 4)).first { Array(steamSHA512[$0..<$0 + 4]) == algorithmField }!
        steamSHA512[at + 3] = 3
        var v2 = TokenPayload.encode(Fixtures.totp)
        v2[0] = 0x02
        let counterTrailing = CounterPayload(token: hotpID, next: 12).encoded() + [0]
        let otherDevice = F.header(id: CounterPayload.recordID(token: hotpID, device: F.deviceB), kind: .hotpCounter,
                                   hlc: counterHeader.version.hlc)
        let stolenCounter = CounterPayload(token: hotpID, next: 1).encoded()
        let rosterElsewhere = F.header(id: tokenID, kind: .roster, hlc: F.hlc(F.now + 7))
        return [
            vector("tombstone-with-payload", "payload failure", "deleted = 1 but one payload byte", record: withPayload),
            vector("token-unknown-field", "payload failure", "a token payload with field 11 appended",
                   record: F.seal(unknownField, tokenHeader, key: F.vaultKey1, nonceLabel: "records/unknown-field"),
                   payload: unknownField),
            vector("token-steam-sha512", "payload failure",
                   "a Steam token payload whose algorithm field says SHA-512: Steam is SHA-1 only",
                   record: F.seal(steamSHA512, tokenHeader, key: F.vaultKey1, nonceLabel: "records/steam-sha512"),
                   payload: steamSHA512),
            vector("token-version-2", "unsupported version", "a token payload whose format byte is 0x02",
                   record: F.seal(v2, tokenHeader, key: F.vaultKey1, nonceLabel: "records/token-v2"), payload: v2),
            vector("counter-trailing", "payload failure", "a counter payload with one trailing byte",
                   record: F.seal(counterTrailing, counterHeader, key: F.vaultKey1, nonceLabel: "records/counter-trailing"),
                   payload: counterTrailing),
            vector("counter-other-device", "binding failure",
                   "device A writes the record id of device B's counter (lowering it): the id must be counter-id(token, writer)",
                   record: F.seal(stolenCounter, otherDevice, key: F.vaultKey1, nonceLabel: "records/counter-other"),
                   payload: stolenCounter),
            vector("roster-wrong-id", "binding failure", "a kind-3 record at an id other than the account's roster id",
                   record: F.seal(RosterVectors.roster.encoded(), rosterElsewhere, key: F.vaultKey1, nonceLabel: "records/roster-elsewhere"),
                   payload: RosterVectors.roster.encoded()),
        ]
    }
}
