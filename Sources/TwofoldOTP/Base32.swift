/// Base32 (RFC 4648 §6), the encoding of every authenticator secret.
///
/// Decoding is lenient in the ways people and other apps are sloppy (lower case,
/// spaces from "grouped" secrets, no padding) and strict about everything that
/// means the secret was mangled: a character outside the alphabet, or a length no
/// encoder produces. Encoding writes the canonical form Twofold stores and shows:
/// upper case, no padding, no spaces.
public enum Base32 {
    /// The RFC 4648 §6 alphabet: value `i` is written as `alphabet[i]`.
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Decodes a Base32 secret.
    ///
    /// Accepts lower case, ASCII spaces anywhere, and missing padding. Padding, when
    /// present, must be complete and only at the end (RFC 4648 §6). Throws
    /// ``OTPError/invalidBase32Character(_:)`` naming the first character outside the
    /// alphabet, or ``OTPError/invalidBase32Length`` for a length no encoder produces.
    /// The empty string decodes to no bytes (RFC 4648 §10); callers that need a
    /// secret check for that themselves.
    ///
    /// Runs in one pass over the UTF-8 bytes, so huge or hostile strings cost linear
    /// time and fail at their first bad byte.
    public static func decode(_ text: String) throws(OTPError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(min(text.utf8.count, 1 << 20) * 5 / 8)
        // Bits not yet emitted: `pending` holds `pendingBits` (< 8 between symbols) bits.
        var pending: UInt32 = 0
        var pendingBits = 0
        var symbols = 0
        var padding = 0

        for byte in text.utf8 {
            if byte == UInt8(ascii: " ") { continue }
            if byte == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard let value = symbolValue(byte) else {
                throw .invalidBase32Character(firstInvalidCharacter(in: text))
            }
            // Data after padding: padding only ever ends an encoding (RFC 4648 §3.2).
            if padding > 0 { throw .invalidBase32Length }
            pending = (pending << 5) | UInt32(value)
            pendingBits += 5
            symbols += 1
            if pendingBits >= 8 {
                pendingBits -= 8
                output.append(UInt8(truncatingIfNeeded: pending >> UInt32(pendingBits)))
                pending &= (1 << UInt32(pendingBits)) - 1
            }
        }

        // A quantum of 8 symbols carries 5 bytes; a final partial quantum has 2, 4, 5 or 7
        // symbols (1–4 bytes). 1, 3 or 6 symbols cannot come from any byte string
        // (RFC 4648 §6, cases (1)–(5)), so the secret was truncated or mistyped.
        switch symbols % 8 {
        case 1, 3, 6: throw .invalidBase32Length
        default: break
        }
        // Padding is optional, but when given it must fill the last quantum exactly.
        if padding > 0 && (padding >= 8 || (symbols + padding) % 8 != 0) {
            throw .invalidBase32Length
        }
        // The last symbol may carry bits past the final byte (`pending`, 1–4 bits).
        // RFC 4648 §3.5 lets decoders reject them when non-zero; we deliberately accept
        // them, as Google Authenticator and other apps do, because real secrets typed or
        // generated sloppily have them and the bytes are unambiguous either way.
        return output
    }

    /// Encodes bytes as canonical Base32: upper case, no padding (RFC 4648 §6 without
    /// the `=` characters, which the Key URI format omits).
    public static func encode(_ bytes: [UInt8]) -> String {
        let length = (bytes.count * 8 + 4) / 5
        return String(unsafeUninitializedCapacity: length) { buffer in
            var written = 0
            var pending: UInt32 = 0
            var pendingBits = 0
            for byte in bytes {
                pending = (pending << 8) | UInt32(byte)
                pendingBits += 8
                while pendingBits >= 5 {
                    pendingBits -= 5
                    buffer[written] = alphabet[Int((pending >> UInt32(pendingBits)) & 0x1F)]
                    written += 1
                }
                pending &= (1 << UInt32(pendingBits)) - 1
            }
            if pendingBits > 0 {
                // Final partial symbol: the remaining bits, zero-filled on the right.
                buffer[written] = alphabet[Int((pending << UInt32(5 - pendingBits)) & 0x1F)]
                written += 1
            }
            return written
        }
    }

    /// The 5-bit value of an alphabet byte, either case; nil for anything else.
    @inline(__always)
    static func symbolValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a")
        case UInt8(ascii: "2")...UInt8(ascii: "7"): return byte - UInt8(ascii: "2") + 26
        default: return nil
        }
    }

    /// The first user-perceived character that is not allowed, for the error message.
    ///
    /// Only runs on the error path. Works on `Character`s rather than bytes so a
    /// combining accent or an emoji is named whole ("é", "👍"), not as a stray byte.
    static func firstInvalidCharacter(in text: String) -> Character {
        for character in text {
            let scalars = character.unicodeScalars
            guard scalars.count == 1, let scalar = scalars.first, scalar.isASCII else {
                return character
            }
            let byte = UInt8(scalar.value)
            if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "=") && symbolValue(byte) == nil {
                return character
            }
        }
        // Unreachable when called after a failed byte scan; a safe placeholder otherwise.
        return "\u{FFFD}"
    }
}
