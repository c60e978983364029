import TwofoldCrypto

/// The one-time code a new device shows so that an existing device can link it
/// (Protocol/devices.md, "Linking", "The code").
///
///     code      = rendezvous_id (10) || link_secret (10)                 20 bytes, from the CSPRNG [DEV-6]
///     code text = Crockford base32 of code, 32 characters, 8 groups of 4 joined by "-"
///
/// The rendezvous id names the relay's pairing mailbox; the link secret never reaches the
/// relay and keys both tags (``LinkKey``), so it is the commitment to the new device's keys.
public struct LinkCode: Sendable {
    /// Bytes of the rendezvous id.
    public static let rendezvousLength = 10
    /// Bytes of the link secret.
    public static let secretLength = 10
    /// Characters of the code text, separators not counted.
    public static let textLength = 32
    /// What a QR code of the code holds before the 32 characters.
    public static let qrScheme = "twofold-link:"
    /// The Crockford base32 alphabet.
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    /// Longest input the parser looks at (a code with a separator between every character fits).
    static let maximumInputLength = 128

    /// The mailbox's name on the relay.
    public let rendezvousID: [UInt8]
    /// The secret half, in guarded memory.
    public let linkSecret: SecureBytes

    /// A fresh code: both halves from the system CSPRNG ([DEV-6]).
    public static func generate() -> LinkCode {
        LinkCode(checkedRendezvous: SecureRandom.bytes(rendezvousLength), secret: SecureBytes.random(count: secretLength))
    }

    /// A code from its two halves (a stored pending link, vectors); throws for other lengths.
    public init(rendezvousID: [UInt8], linkSecret: SecureBytes) throws(LinkCodeError) {
        guard rendezvousID.count == Self.rendezvousLength, linkSecret.count == Self.secretLength else {
            throw .wrongLength(rendezvousID.count + linkSecret.count)
        }
        self.init(checkedRendezvous: rendezvousID, secret: linkSecret)
    }

    private init(checkedRendezvous: [UInt8], secret: SecureBytes) {
        rendezvousID = checkedRendezvous
        linkSecret = secret
    }

    /// Parses a code as a person typed it or a QR code held it: letter case is ignored,
    /// `I` and `L` read as `1`, `O` as `0`, `-` and spaces are skipped, and an optional
    /// `twofold-link:` prefix is accepted. Anything else is refused with an error that
    /// names the first wrong character, or the number of characters found.
    public init(text input: String) throws(LinkCodeError) {
        var text = Substring(input)
        if text.utf8.count >= Self.qrScheme.utf8.count,
           String(text.prefix(Self.qrScheme.count)).lowercased() == Self.qrScheme {
            text = text.dropFirst(Self.qrScheme.count)
        }
        guard text.utf8.count <= Self.maximumInputLength else { throw .tooLong }
        var values: [UInt8] = []
        values.reserveCapacity(Self.textLength)
        for (index, character) in text.enumerated() {
            if character == "-" || character == " " { continue }
            guard let value = Self.value(of: character) else {
                throw .invalidCharacter(Self.printable(character), position: index + 1)
            }
            values.append(value)
        }
        guard values.count == Self.textLength else { throw .wrongLength(values.count) }
        // 32 × 5 bits = 160 bits = 20 bytes exactly: no padding bits to check.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        var buffer: UInt32 = 0
        var bits = 0
        for value in values {
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        let rendezvous = Array(bytes[0..<Self.rendezvousLength])
        let secret = SecureBytes(bytes[Self.rendezvousLength...])
        for i in bytes.indices { bytes[i] = 0 }
        for i in values.indices { values[i] = 0 }
        self.init(checkedRendezvous: rendezvous, secret: secret)
    }

    /// The 32 characters without separators.
    public var compactText: String {
        let bytes = linkSecret.withUnsafeBytes { rendezvousID + Array($0) }
        var out: [UInt8] = []
        out.reserveCapacity(Self.textLength)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(Self.alphabet[Int(buffer >> UInt32(bits) & 31)])
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The code as shown: 8 groups of 4 characters joined by `-`.
    public var text: String {
        let compact = Array(compactText)
        return stride(from: 0, to: compact.count, by: 4).map { String(compact[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// What a QR code of the code holds: `twofold-link:` and the 32 characters.
    public var qrPayload: String { Self.qrScheme + compactText }

    /// The rendezvous id as the relay API writes it: 20 lowercase hex digits.
    public var rendezvousHex: String { Hex.encode(rendezvousID) }

    /// `link_key = BLAKE2b-256("twofold/link-key/v1" || rendezvous_id || link_secret)`.
    public var linkKey: LinkKey { LinkKey(code: self) }

    /// The 5-bit value of a code character, with Crockford's readings of look-alikes.
    static func value(of character: Character) -> UInt8? {
        guard let ascii = character.asciiValue else { return nil }
        var c = ascii
        if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) { c -= 32 }
        switch c {
        case UInt8(ascii: "I"), UInt8(ascii: "L"): c = UInt8(ascii: "1")
        case UInt8(ascii: "O"): c = UInt8(ascii: "0")
        default: break
        }
        guard let index = alphabet.firstIndex(of: c) else { return nil }
        return UInt8(index)
    }

    /// A character as an error message may show it (control and invisible ones as U+XXXX).
    static func printable(_ character: Character) -> String {
        let scalars = character.unicodeScalars
        if scalars.count == 1, let scalar = scalars.first, scalar.isASCII, scalar.value >= 0x21, scalar.value < 0x7f {
            return String(character)
        }
        return scalars.map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(to: 4) }.joined(separator: " ")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// Why a link code was refused. Every message says what to do.
public enum LinkCodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A character that is not part of a code (1-based position in what was typed).
    case invalidCharacter(String, position: Int)
    /// Not 32 code characters (separators not counted).
    case wrongLength(Int)
    /// Far longer than any code.
    case tooLong

    public var description: String {
        switch self {
        case .invalidCharacter(let character, let position):
            return "character \(position) of the link code, '\(character)', is not a code character (codes use 0-9 and A-Z without I, L, O, U): check the code shown on the new device"
        case .wrongLength(let count):
            return "the link code has \(count) characters instead of \(LinkCode.textLength): type all 8 groups of 4 shown on the new device"
        case .tooLong:
            return "that is far longer than a link code: type the 8 groups of 4 characters shown on the new device"
        }
    }
}
