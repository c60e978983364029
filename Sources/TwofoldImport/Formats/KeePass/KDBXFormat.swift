import CSodium
import Crypto
import _CryptoExtras
import Foundation

/// KeePass KDBX 4.0/4.1 databases (KeePassXC, KeePass 2), opened with the password.
///
/// Order of checks (KeePass "KDBX 4" format): header SHA-256 (a mismatch is a damaged
/// file), header HMAC under the password's key (a mismatch is the wrong password, or a
/// key file is needed), then each HMAC-SHA256 block (a mismatch is a damaged file), then
/// decryption (AES-256-CBC or ChaCha20), gzip, the inner header and the inner stream
/// cipher that protects `Protected="True"` values. Key files, KDBX 3.1 and Twofish are
/// refused with what to do instead.
enum KDBXFormat {
    /// Largest decompressed XML accepted: 256 MiB (a gzip bomb stops here).
    static let maxXMLBytes = 256 << 20

    static func read(_ data: Data, password: String?) throws(ImportError) -> ImportResult {
        let file = [UInt8](data)
        let header = try KDBXHeader.parse(file)
        guard let password else { throw .passwordRequired(.kdbx) }
        guard Array(SHA256.hash(data: header.bytes)).elementsEqual(header.sha256) else {
            throw .malformed(.kdbx, reason: "the header checksum does not match (the file is damaged)")
        }
        let transformed = try KDBXKey.transformed(password: password, kdf: header.kdf)
        let masterKey = Array(SHA256.hash(data: header.masterSeed + transformed))
        let hmacBase = Array(SHA512.hash(data: header.masterSeed + transformed + [1]))
        func blockKey(_ index: UInt64) -> SymmetricKey {
            SymmetricKey(data: Array(SHA512.hash(data: index.littleEndianBytes + hmacBase)))
        }
        let headerMAC = HMAC<SHA256>.authenticationCode(for: Array(header.bytes), using: blockKey(UInt64.max))
        guard Array(headerMAC).elementsEqual(header.hmac) else {
            throw .wrongPasswordOrKeyFile
        }

        // HMAC block stream: hmac(32) size(i32) data; the last block is empty.
        var reader = ByteReader(file, offset: header.payloadStart)
        var ciphertext: [UInt8] = []
        var index: UInt64 = 0
        while true {
            guard let mac = reader.take(32), let sizeBytes = reader.take(4) else {
                throw .malformed(.kdbx, reason: "the file is truncated")
            }
            let size = Int32(littleEndian: sizeBytes)
            guard size >= 0, let block = reader.take(Int(size)) else { throw .malformed(.kdbx, reason: "the file is truncated") }
            let expected = HMAC<SHA256>.authenticationCode(
                for: index.littleEndianBytes + Array(sizeBytes) + Array(block), using: blockKey(index))
            guard Array(expected).elementsEqual(mac) else {
                throw .malformed(.kdbx, reason: "block \(index) fails its HMAC (the file is damaged)")
            }
            if size == 0 { break }
            ciphertext += block
            index += 1
        }
        var plain = try decrypt(ciphertext, header: header, key: masterKey)
        if header.gzip { plain = try Gzip.inflate(plain, limit: maxXMLBytes, format: .kdbx) }
        return try KDBXPayload.read(plain)
    }

    private static func decrypt(_ data: [UInt8], header: KDBXHeader, key: [UInt8]) throws(ImportError) -> [UInt8] {
        switch header.cipher {
        case .aes256:
            guard data.count % 16 == 0, !data.isEmpty else { throw .malformed(.kdbx, reason: "the ciphertext is not whole AES blocks") }
            do {
                return Array(try AES._CBC.decrypt(data, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: header.iv)))
            } catch {
                throw .malformed(.kdbx, reason: "the AES-256 padding is wrong (the file is damaged)")
            }
        case .chacha20:
            return ChaCha20.xor(data, key: key, nonce: header.iv)
        }
    }
}

extension ImportError {
    /// A KDBX header HMAC that does not match: the password is wrong, or the database
    /// also needs a key file.
    static var wrongPasswordOrKeyFile: ImportError { .wrongPassword(.kdbx) }
}

/// ChaCha20 (IETF, RFC 8439: 96-bit nonce, counter from 0) from libsodium.
enum ChaCha20 {
    static func xor(_ data: [UInt8], key: [UInt8], nonce: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: data.count)
        guard !data.isEmpty else { return out }
        _ = crypto_stream_chacha20_ietf_xor(&out, data, UInt64(data.count), nonce, key)
        return out
    }
}
