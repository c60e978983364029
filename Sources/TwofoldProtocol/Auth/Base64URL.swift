/// Unpadded base64url (RFC 4648 §5, no `=`): how binary fields travel in JSON and in
/// access tokens (Protocol/relay-api.md, "Conventions").
///
/// Decoding is strict: padding, characters outside the alphabet, a length of 1 mod 4 and
/// non-zero unused trailing bits are refused, so every byte string has exactly one text
/// form and a token cannot be altered without changing its bytes.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    /// The unpadded base64url text of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)],
                    alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        switch bytes.count - i {
        case 1:
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
        case 2:
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of canonical unpadded base64url `text`; nil for anything else.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 != 1 else { return nil }
        var sextets = [UInt8]()
        sextets.reserveCapacity(chars.count)
        for c in chars {
            let v = values[Int(c)]
            guard v != 0xff else { return nil }
            sextets.append(v)
        }
        var out = [UInt8]()
        out.reserveCapacity(chars.count * 3 / 4)
        var i = 0
        while i + 4 <= sextets.count {
            let n = UInt32(sextets[i]) << 18 | UInt32(sextets[i + 1]) << 12
                | UInt32(sextets[i + 2]) << 6 | UInt32(sextets[i + 3])
            out += [UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)]
            i += 4
        }
        switch sextets.count - i {
        case 2:
            // 12 bits carry 8: the low 4 must be zero in the canonical form.
            guard sextets[i + 1] & 0x0f == 0 else { return nil }
            out.append(sextets[i] << 2 | sextets[i + 1] >> 4)
        case 3:
            // 18 bits carry 16: the low 2 must be zero.
            guard sextets[i + 2] & 0x03 == 0 else { return nil }
            out.append(sextets[i] << 2 | sextets[i + 1] >> 4)
            out.append(sextets[i + 1] << 4 | sextets[i + 2] >> 2)
        default:
            break
        }
        return out
    }
}
