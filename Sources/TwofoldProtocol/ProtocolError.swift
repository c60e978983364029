/// The failures of TwofoldProtocol that a caller must tell apart.
///
/// Messages are one line: what is wrong and what to do. They never include secrets.
public enum ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A format byte or version this implementation does not know (Protocol/README.md,
    /// "Versioning": readers refuse versions they do not know).
    case unsupportedVersion(what: String, version: UInt8)
    /// Bytes that do not follow the format's layout (length, field order, trailing data).
    case malformed(what: String, reason: String)
    /// A sealed record, grant or wrapped key did not authenticate under the given key:
    /// the key is wrong, or a bound field or byte was changed.
    case authenticationFailed(what: String)
    /// An identifier in text form that is not 32 lowercase hex digits.
    case invalidIdentifier(String)
    /// A challenge or access token whose lifetime is over (Protocol/relay-api.md, "Authentication").
    case expired(what: String)
    /// A relay challenge presented a second time (Protocol/relay-api.md, "Challenges").
    case challengeAlreadyUsed
    /// A challenge issued for another purpose (device sign-in versus recovery).
    case wrongPurpose(what: String)
    /// An Ed25519 signature that does not verify under the key it claims.
    case invalidSignature(what: String)

    /// Argon2id could not run for the passphrase (usually: not enough memory).
    case keyDerivationFailed
    /// A recovery phrase with a word that is not in the BIP-39 English list (1-based position).
    case unknownRecoveryWord(position: Int, word: String)
    /// A recovery phrase that does not have exactly 24 words.
    case wrongRecoveryWordCount(Int)
    /// 24 known words whose checksum does not match: a word is wrong or out of order.
    case recoveryChecksumMismatch
    /// Authentic data that names another account or epoch than the one asked for (Protocol/crypto.md).
    case bindingMismatch(what: String, reason: String)
    /// A head signed by a device that is not in the roster (Protocol/sync.md, "Heads").
    case unknownSigner(DeviceID)
    /// A head older than one already seen: the relay is serving a rolled-back state.
    case staleHead(seen: UInt64, received: UInt64)
    /// Two different heads with the same counter: the relay showed devices diverging histories.
    case forkedHead(counter: UInt64)
    /// A copy of a record older than one the relay served or accepted before: a replay.
    case rolledBackRecord(RecordID)
    /// Records that do not match their signed head: the relay dropped, replayed or swapped some.
    case headMismatch(reason: String)

    public var description: String {
        switch self {
        case .unsupportedVersion(let what, let version):
            return "\(what) has format version \(version), which this Twofold does not know: upgrade Twofold"
        case .malformed(let what, let reason):
            return "\(what) is malformed (\(reason)): the data is corrupt or was written by a faulty client"
        case .authenticationFailed(let what):
            return "\(what) failed authentication: the key is wrong or the data was changed; it was not used"
        case .invalidIdentifier(let text):
            return "'\(text.prefix(40))' is not a valid id: ids are 32 hex digits"
        case .expired(let what):
            return "\(what) has expired: request a new one and try again"
        case .challengeAlreadyUsed:
            return "the challenge was already used: request a fresh challenge and sign it"
        case .wrongPurpose(let what):
            return "\(what) was issued for another purpose: request one for this purpose"
        case .invalidSignature(let what):
            return "the signature over \(what) does not verify: the key is wrong or the message was changed"
        case .keyDerivationFailed:
            return "the passphrase key derivation failed: free some memory and try again"
        case .unknownRecoveryWord(let position, let word):
            return "recovery word \(position), '\(word)', is not in the word list: check its spelling"
        case .wrongRecoveryWordCount(let count):
            return "the recovery key has \(count) words: enter all 24, separated by spaces"
        case .recoveryChecksumMismatch:
            return "the recovery words do not add up (checksum): one is wrong or out of order; check each against the sheet"
        case .bindingMismatch(let what, let reason):
            return "\(what) does not belong here (\(reason)); it was not used: sync again, and report the relay if it repeats"
        case .unknownSigner(let device):
            return "a head is signed by device \(device), which is not in the roster: nothing was applied; report the relay if it repeats"
        case .staleHead(let seen, let received):
            return "the relay served head \(received) after head \(seen) was seen: it may be rolling back; nothing was applied, try again later"
        case .forkedHead(let counter):
            return "the relay served two different heads numbered \(counter): it is showing devices different histories; nothing was applied"
        case .headMismatch(let reason):
            return "the records from the relay do not match its signed head (\(reason)); nothing was applied: sync again, report the relay if it repeats"
        case .rolledBackRecord(let id):
            return "the relay served an older copy of record \(id) than it did before: nothing was applied; report the relay if it repeats"
        }
    }
}
