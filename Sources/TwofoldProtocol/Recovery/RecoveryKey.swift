import TwofoldCrypto

/// The account's recovery key: 32 random bytes, shown once as 24 BIP-39 English words
/// (Protocol/crypto.md, "Recovery key").
///
/// `words = BIP39(key || SHA-256(key)[0])`: 264 bits cut into 24 groups of 11, each an
/// index into the word list. Reading accepts any letter case and any whitespace between
/// words; a word not in the list and a wrong checksum are different errors, so a person
/// is told which of the two mistakes they made.
public struct RecoveryKey: Sendable {
    /// Key length: 32 bytes.
    public static let length = 32
    /// Number of words: 24.
    public static let wordCount = 24

    /// The 32 key bytes, in guarded memory.
    public let secret: SecureBytes

    /// Wraps 32 key bytes.
    public init(secret: SecureBytes) throws(ProtocolError) {
        guard secret.count == Self.length else {
            throw .malformed(what: "recovery key", reason: "\(secret.count) bytes instead of \(Self.length)")
        }
        self.secret = secret
    }

    /// A fresh random recovery key (made once, at account creation).
    public static func generate() -> RecoveryKey {
        // 32 bytes by construction.
        try! RecoveryKey(secret: .random(count: length))
    }

    /// The 24 words, lowercase, in order.
    public var words: [String] {
        let checksum = SHA2.sha256(secret)[0]
        var bits = secret.withUnsafeBytes { BitString(Array($0)) }
        bits.append(byte: checksum)
        return (0..<Self.wordCount).map { BIP39WordList.english[bits.value(at: $0 * 11, width: 11)] }
    }

    /// The words joined by single spaces: the form shown to a person.
    public var phrase: String { words.joined(separator: " ") }

    /// Reads 24 words back into a key.
    ///
    /// - Throws: ``ProtocolError/wrongRecoveryWordCount(_:)``,
    ///   ``ProtocolError/unknownRecoveryWord(position:word:)`` naming the first word that
    ///   is not in the list, or ``ProtocolError/recoveryChecksumMismatch``.
    public init(words text: String) throws(ProtocolError) {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map { $0.lowercased() }
        guard words.count == Self.wordCount else { throw .wrongRecoveryWordCount(words.count) }
        var bits = BitString()
        for (position, word) in words.enumerated() {
            guard let index = BIP39WordList.indexByWord[word] else {
                throw .unknownRecoveryWord(position: position + 1, word: String(word.prefix(32)))
            }
            bits.append(value: index, width: 11)
        }
        // 264 bits: 256 of key, then the 8-bit checksum.
        var key = bits.bytes
        let checksum = key.removeLast()
        let secret = SecureBytes(key)
        for i in key.indices { key[i] = 0 }
        guard SHA2.sha256(secret)[0] == checksum else { throw .recoveryChecksumMismatch }
        self.secret = secret
    }
}

/// A big-endian bit string: just enough for 11-bit word indices.
struct BitString {
    private(set) var bits: [Bool] = []

    init() {}

    init(_ bytes: [UInt8]) {
        for byte in bytes { append(byte: byte) }
    }

    mutating func append(byte: UInt8) { append(value: Int(byte), width: 8) }

    mutating func append(value: Int, width: Int) {
        for shift in stride(from: width - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
    }

    func value(at offset: Int, width: Int) -> Int {
        bits[offset..<offset + width].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }
    }

    /// The bits packed into bytes; the length must be a multiple of 8.
    var bytes: [UInt8] {
        precondition(bits.count % 8 == 0)
        return stride(from: 0, to: bits.count, by: 8).map { UInt8(value(at: $0, width: 8)) }
    }
}
