import TwofoldCrypto

/// Seals and opens record payloads under a vault key (Protocol/crypto.md, "Sealed record").
///
/// `sealed = 0x01 || nonce || XChaCha20-Poly1305(pad(payload), AD(header), nonce, VK_epoch)`,
/// with ISO/IEC 7816-4 padding to B = max(256, smallest power of two > len(payload)).
public enum RecordCipher {
    /// The smallest padding bucket.
    public static let minimumBucket = 256
    /// Largest payload accepted (a token is a few hundred bytes; the roster of many devices a few KiB).
    public static let maximumPayload = 1 << 20

    /// The padded length for a payload of `length` bytes.
    public static func bucket(forPayloadLength length: Int) -> Int {
        var b = minimumBucket
        while b < length + 1 { b <<= 1 }
        return b
    }

    /// Seals `payload` under `key`, binding `header`. Tombstones pass an empty payload.
    public static func seal(payload: [UInt8], header: RecordHeader, key: SecureBytes) throws(ProtocolError) -> SealedRecord {
        guard payload.count <= maximumPayload else {
            throw .malformed(what: "record payload", reason: "\(payload.count) bytes exceeds \(maximumPayload)")
        }
        guard !header.deleted || payload.isEmpty else {
            throw .malformed(what: "tombstone", reason: "a deleted record carries no payload")
        }
        let padded = Padding.pad(payload, blockSize: bucket(forPayloadLength: payload.count))
        let nonce = SecureRandom.bytes(XChaCha20Poly1305.nonceLength)
        let ciphertext: [UInt8]
        do {
            ciphertext = try XChaCha20Poly1305.seal(padded, associatedData: header.associatedData, nonce: nonce, key: key)
        } catch {
            throw .malformed(what: "vault key", reason: error.description)
        }
        return SealedRecord(header: header, sealed: [SealedRecord.formatVersion] + nonce + ciphertext)
    }

    /// Opens a sealed record, returning its payload (empty for a tombstone).
    ///
    /// Fails with ``ProtocolError/authenticationFailed(what:)`` if any byte or any header
    /// field differs from what was sealed, and refuses unknown format versions.
    public static func open(_ record: SealedRecord, key: SecureBytes) throws(ProtocolError) -> [UInt8] {
        let sealed = record.sealed
        guard let format = sealed.first else { throw .malformed(what: "sealed record", reason: "empty") }
        guard format == SealedRecord.formatVersion else {
            throw .unsupportedVersion(what: "sealed record", version: format)
        }
        let nonceLength = XChaCha20Poly1305.nonceLength
        let minimum = 1 + nonceLength + minimumBucket + XChaCha20Poly1305.tagLength
        guard sealed.count >= minimum else {
            throw .malformed(what: "sealed record", reason: "\(sealed.count) bytes is shorter than \(minimum)")
        }
        let nonce = Array(sealed[1..<(1 + nonceLength)])
        let ciphertext = Array(sealed[(1 + nonceLength)...])
        let padded: [UInt8]
        do {
            padded = try XChaCha20Poly1305.open(ciphertext, associatedData: record.header.associatedData, nonce: nonce, key: key)
        } catch {
            throw .authenticationFailed(what: "record \(record.header.id.hex)")
        }
        // The padded length must itself be a bucket size: a power of two ≥ 256.
        guard padded.count >= minimumBucket, padded.count & (padded.count - 1) == 0 else {
            throw .malformed(what: "record \(record.header.id.hex)", reason: "padded length \(padded.count) is not a bucket size")
        }
        let payload: [UInt8]
        do {
            payload = try Padding.unpad(padded, blockSize: padded.count)
        } catch {
            throw .malformed(what: "record \(record.header.id.hex)", reason: "bad padding")
        }
        guard bucket(forPayloadLength: payload.count) == padded.count else {
            throw .malformed(what: "record \(record.header.id.hex)", reason: "padding larger than its bucket")
        }
        if record.header.deleted && !payload.isEmpty {
            throw .malformed(what: "record \(record.header.id.hex)", reason: "tombstone with a payload")
        }
        return payload
    }
}
