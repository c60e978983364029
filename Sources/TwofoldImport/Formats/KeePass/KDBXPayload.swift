import CSodium
import Crypto
import Foundation

/// The decrypted, decompressed payload of a KDBX 4 database: the inner header, then the
/// XML whose `Protected="True"` values are XORed with the inner stream cipher.
///
/// Inner header fields are `id:u8 length:u32 data`: 1 the stream cipher (2 Salsa20, 3
/// ChaCha20), 2 its key, 3 attachments (skipped), 0 the end. The keystream runs over the
/// protected values in document order (KeePass "KDBX 4", "Inner header"); ChaCha20's key
/// and nonce are the first 32 and next 12 bytes of SHA-512 of the inner key, Salsa20's
/// key is SHA-256 of it with the fixed nonce E8 30 09 4B 97 20 5D 2A.
enum KDBXPayload {
    static func read(_ payload: [UInt8]) throws(ImportError) -> ImportResult {
        var reader = ByteReader(payload)
        var streamID: UInt32?, streamKey: [UInt8]?
        while true {
            guard let id = reader.u8(), let length = reader.u32(), let data = reader.take(Int(length)) else {
                throw .malformed(.kdbx, reason: "the inner header is truncated")
            }
            if id == 0 { break }
            if id == 1, data.count == 4 { streamID = UInt32(littleEndian: data) }
            if id == 2 { streamKey = Array(data) }
        }
        guard let streamID, let streamKey, !streamKey.isEmpty else {
            throw .malformed(.kdbx, reason: "the inner header names no stream cipher")
        }
        guard streamID == 2 || streamID == 3 else {
            throw .unsupportedEncryption(.kdbx, detail: "its inner stream cipher \(streamID) is unknown; export XML from KeePassXC")
        }
        var root = try KeePassXMLFormat.parse(Array(payload[reader.offset...]), format: .kdbx)
        // Collect the protected values in document order, then XOR them with one keystream.
        var total = 0
        var failed = false
        visit(&root) { element in
            guard element.attributes["Protected"]?.lowercased() == "true" else { return }
            guard let bytes = ByteEncoding.base64(element.text) else { failed = true; return }
            total += bytes.count
        }
        if failed { throw .malformed(.kdbx, reason: "a protected value is not Base64") }
        let stream = keystream(id: streamID, key: streamKey, count: total)
        var used = 0
        var bad = false
        visit(&root) { element in
            guard element.attributes["Protected"]?.lowercased() == "true",
                let bytes = ByteEncoding.base64(element.text) else { return }
            let plain = zip(bytes, stream[used..<(used + bytes.count)]).map { $0 ^ $1 }
            used += bytes.count
            guard let text = String(validating: plain, as: UTF8.self) else { bad = true; return }
            element.text = text
            element.attributes["Protected"] = nil
        }
        if bad { throw .malformed(.kdbx, reason: "a protected value does not decrypt to text") }
        return try KeePassEntries.read(root, format: .kdbx)
    }

    /// Pre-order: the document order of start tags (depth is bounded by XMLReader).
    private static func visit(_ root: inout XMLElement, _ body: (inout XMLElement) -> Void) {
        body(&root)
        for i in root.children.indices { visit(&root.children[i], body) }
    }

    private static func keystream(id: UInt32, key: [UInt8], count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return out }
        if id == 3 {
            let hash = Array(SHA512.hash(data: key))
            _ = crypto_stream_chacha20_ietf(&out, UInt64(count), Array(hash[32..<44]), Array(hash[0..<32]))
        } else {
            let nonce: [UInt8] = [0xE8, 0x30, 0x09, 0x4B, 0x97, 0x20, 0x5D, 0x2A]
            _ = crypto_stream_salsa20(&out, UInt64(count), nonce, Array(SHA256.hash(data: key)))
        }
        return out
    }
}

/// For the `import` fuzz target only: the KDBX stages behind the password's HMAC, which a
/// fuzzer cannot forge, fed directly (the decrypted payload, and gzip inflation).
public enum _KDBXFuzzing {
    /// Reads `data` as a decrypted, decompressed KDBX 4 payload (inner header and XML).
    public static func payload(_ data: Data) {
        _ = try? KDBXPayload.read([UInt8](data))
    }

    /// Inflates `data` as gzip under a 1 MiB limit.
    public static func inflate(_ data: Data) {
        _ = try? Gzip.inflate([UInt8](data), limit: 1 << 20, format: .kdbx)
    }
}
