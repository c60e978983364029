// Fuzz targets for the OTP and protocol parsers of untrusted bytes (DESIGN.md, "How it is
// checked"; issue 9, "Fuzzing"). One executable holds them all, so scripts/fuzz builds it
// once; `TWOFOLD_FUZZ_TARGET` picks the parser each libFuzzer run exercises (unset: every
// parser on every input, for replaying files). Built two ways, from this one file:
// - `scripts/fuzz`: `swift build --sanitize=fuzzer --sanitize=address -Xswiftc -DFUZZING
//   --scratch-path .build-fuzz --product twofold-fuzz-protocol`; libFuzzer supplies `main`.
// - a plain `swift build`: `Replay` below is the entry point and replays files:
//   `TWOFOLD_FUZZ_TARGET=roster swift run twofold-fuzz-protocol CRASH-FILE`.
// A `main.swift` cannot be used: under -sanitize=fuzzer its `main` clashes with libFuzzer's.
//
// Beyond "no crash", canonical formats must round-trip: whatever a decoder accepts encodes
// back to exactly the input (roster, head, token and counter payloads, snapshot images),
// and what the Key URI and Base32 parsers accept, their encoders write back to an input
// they accept again with the same value. A broken property traps, which libFuzzer reports.
//
// AEAD-protected formats are fuzzed twice: the raw opener on the input, and the path after
// decryption, where the input is sealed under a fixed key first so that the fuzzer reaches
// the padding checks and the inner decoders.
import Foundation
import FuzzHarness
import TwofoldCrypto
import TwofoldOTP
import TwofoldProtocol

/// The parsers, by the name `TWOFOLD_FUZZ_TARGET` gives (scripts/fuzz runs each).
let fuzzTargets: [FuzzHarness.Target] = [
    ("otpauth", fuzzKeyURI),
    ("base32", fuzzBase32),
    ("record", fuzzRecord),
    ("grant", fuzzGrant),
    ("head", fuzzHead),
    ("snapshot", fuzzSnapshot),
    ("backup", fuzzBackup),
    ("roster", fuzzRoster),
    ("payload", fuzzPayloads),
    ("link", fuzzLinkCode),
]

/// The selected parsers, read once.
let selected = FuzzHarness.selected(tool: "twofold-fuzz-protocol", from: fuzzTargets)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for run in selected { run(bytes) }
    return 0
}

/// Stops the run with a message libFuzzer shows next to the reproducer.
func violated(_ what: String, _ input: [UInt8]) -> Never {
    fatalError("fuzz property broken: \(what) (input \(input.count) bytes)")
}

// MARK: Fixed keys and identities

let vaultKey = SecureBytes([UInt8](repeating: 0x42, count: 32))
let fixedNonce = [UInt8](repeating: 0x24, count: 24)
let account = try! AccountID(bytes: [UInt8](repeating: 0xa1, count: 16))
let device = try! DeviceID(bytes: [UInt8](repeating: 0xd1, count: 16))
let boxKeys = X25519KeyPair.fromSeed(SecureBytes([UInt8](repeating: 0x07, count: 32)))

func header(kind: RecordKind, id: RecordID? = nil, deleted: Bool = false) -> RecordHeader {
    RecordHeader(account: account, id: id ?? (try! RecordID(bytes: [UInt8](repeating: 0x5e, count: 16))), kind: kind,
                 version: RecordVersion(hlc: 0x019b_76da_a800_0001, device: device), epoch: 1, deleted: deleted)
}

// MARK: TwofoldOTP

/// `otpauth://` Key URIs: a parsed token formats to a URI that parses to the same token.
func fuzzKeyURI(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let token = try? KeyURI.parse(text) else { return }
    let formatted = KeyURI.format(token)
    guard let again = try? KeyURI.parse(formatted) else { violated("KeyURI.format wrote a URI KeyURI.parse refuses: \(formatted)", bytes) }
    guard again == token else { violated("KeyURI parse(format(t)) != t for \(formatted)", bytes) }
}

/// Base32 secrets: decoded bytes encode to text that decodes to the same bytes.
func fuzzBase32(_ bytes: [UInt8]) {
    guard let decoded = try? Base32.decode(String(decoding: bytes, as: UTF8.self)) else { return }
    let encoded = Base32.encode(decoded)
    guard let again = try? Base32.decode(encoded), again == decoded else { violated("Base32 decode(encode(b)) != b", bytes) }
}

// MARK: TwofoldProtocol

/// Sealed records. Raw: the input as `sealed`, under a fixed header and key (almost always
/// an authentication failure, but the length and format checks come first). After
/// decryption: the first byte picks kind and tombstone flag and the rest is sealed twice
/// under a fixed key, as the *padded* plaintext (so padding, bucket and tombstone checks see
/// hostile bytes) and as a payload (`RecordCipher.seal`, which must open to itself), which
/// then goes through the decoder of its kind.
func fuzzRecord(_ bytes: [UInt8]) {
    _ = try? RecordCipher.open(SealedRecord(header: header(kind: .token), sealed: bytes), key: vaultKey)
    guard let first = bytes.first else { return }
    let kind = RecordKind.allCases[Int(first & 0x03) % RecordKind.allCases.count]
    let deleted = first & 0x04 != 0
    let id = kind == .roster ? Roster.recordID(account: account) : nil
    let h = header(kind: kind, id: id, deleted: deleted)
    let rest = Array(bytes.dropFirst())
    guard let ciphertext = try? XChaCha20Poly1305.seal(rest, associatedData: h.associatedData, nonce: fixedNonce, key: vaultKey) else {
        violated("sealing under a valid key failed", bytes)
    }
    let raw = SealedRecord(header: h, sealed: [SealedRecord.formatVersion] + fixedNonce + ciphertext)
    if let payload = try? RecordCipher.open(raw, key: vaultKey) { decodePayload(payload, kind: kind, raw) }
    guard let sealed = try? RecordCipher.seal(payload: rest, header: h, key: vaultKey) else { return }
    guard let opened = try? RecordCipher.open(sealed, key: vaultKey), opened == rest else {
        violated("RecordCipher open(seal(p)) != p", bytes)
    }
    decodePayload(opened, kind: kind, sealed)
}

func decodePayload(_ payload: [UInt8], kind: RecordKind, _ record: SealedRecord) {
    switch kind {
    case .token: checkToken(payload)
    case .hotpCounter: checkCounter(payload)
    case .roster:
        checkRoster(payload)
        _ = try? Roster.open(record, key: vaultKey)
    }
}

/// Grants: the raw opener on the input, then the input as the plaintext of a sealed box to
/// a fixed key pair, so the payload checks (format, account, epoch) see hostile bytes.
func fuzzGrant(_ bytes: [UInt8]) {
    _ = try? Grant.open(bytes, account: account, epoch: 1, with: boxKeys)
    guard let box = try? SealedBox.seal(bytes, to: boxKeys.publicKey) else { violated("sealed box to a valid key failed", bytes) }
    _ = try? Grant.open(box, account: account, epoch: 1, with: boxKeys)
}

/// Signed heads: what parses is the 145 bytes it came from.
func fuzzHead(_ bytes: [UInt8]) {
    guard let head = try? SignedHead(decoding: bytes) else { return }
    guard head.bytes == bytes else { violated("SignedHead bytes != input", bytes) }
}

/// Snapshots: the header reader, the raw opener and the image decoder on the input; then
/// the input sealed under the key of the epoch in a fixed header, as the padded image
/// (hostile padding) and padded by the rules (hostile image), and opened.
/// Backup files (crypto.md, "Backup file"): the header reader on raw bytes, and the opener
/// with a fixed recovery key; whatever parses must name one or two holders, recovery first.
let backupKeys = try! RecoveryKey(secret: SecureBytes([UInt8](repeating: 0x42, count: 32))).keyPairs
func fuzzBackup(_ bytes: [UInt8]) {
    if let header = try? BackupFile.header(of: bytes) {
        guard (1...2).contains(header.holders.count), header.holders.first?.kind == .recoveryKey || header.holders.count == 1 else {
            violated("a backup header with holders out of order parsed", bytes)
        }
    }
    _ = try? BackupFile.open(bytes, kind: .recoveryKey, keys: backupKeys)
}

func fuzzSnapshot(_ bytes: [UInt8]) {
    _ = try? SnapshotHeader(decoding: bytes)
    _ = try? SnapshotCipher.open(bytes, account: account, key: vaultKey)
    let direct = checkImage(bytes)
    let h = SnapshotHeader(id: try! SnapshotID(bytes: [UInt8](repeating: 0x55, count: 16)), epoch: 1, createdMilliseconds: 1_767_139_200_000)
    let padded = Padding.pad(bytes, blockSize: SnapshotCipher.bucket(forImageLength: bytes.count))
    for plaintext in [bytes, padded] {
        guard let sealed = try? XChaCha20Poly1305.seal(plaintext, associatedData: h.associatedData(account: account), nonce: fixedNonce, key: vaultKey) else {
            violated("sealing under a valid key failed", bytes)
        }
        guard let opened = try? SnapshotCipher.open(h.encoded + fixedNonce + sealed, account: account, key: vaultKey) else { continue }
        guard opened.header == h else { violated("snapshot header changed on open", bytes) }
        if plaintext == padded, opened.records != direct {
            violated("a snapshot opens to other records than its image decodes to", bytes)
        }
    }
}

@discardableResult
func checkImage(_ bytes: [UInt8]) -> [SealedRecord]? {
    guard let records = try? SnapshotImage.decode(bytes, account: account, epoch: 1) else { return nil }
    guard SnapshotImage.encode(records) == bytes else { violated("SnapshotImage encode(decode(b)) != b", bytes) }
    return records
}

/// Roster payloads: exactly one encoding is accepted, so it re-encodes to the input.
func fuzzRoster(_ bytes: [UInt8]) { checkRoster(bytes) }

func checkRoster(_ bytes: [UInt8]) {
    guard let roster = try? Roster(decoding: bytes) else { return }
    guard roster.encoded() == bytes else { violated("Roster encoded() != input", bytes) }
}

/// Token and HOTP counter payloads.
func fuzzPayloads(_ bytes: [UInt8]) {
    checkToken(bytes)
    checkCounter(bytes)
}

func checkToken(_ bytes: [UInt8]) {
    let labels = try? TokenPayload.decodeLabels(bytes)
    guard let token = try? TokenPayload.decode(bytes) else { return }
    guard let labels, labels.issuer == token.issuer, labels.account == token.account else {
        violated("TokenPayload.decodeLabels disagrees with decode", bytes)
    }
    guard TokenPayload.encode(token) == bytes else { violated("TokenPayload encode(decode(b)) != b", bytes) }
}

func checkCounter(_ bytes: [UInt8]) {
    guard let counter = try? CounterPayload(decoding: bytes) else { return }
    guard counter.encoded() == bytes else { violated("CounterPayload encoded() != input", bytes) }
}

/// Link codes as typed or scanned: an accepted code reads back from both its spellings.
func fuzzLinkCode(_ bytes: [UInt8]) {
    guard let code = try? LinkCode(text: String(decoding: bytes, as: UTF8.self)) else { return }
    for spelling in [code.text, code.compactText, code.qrPayload] {
        guard let again = try? LinkCode(text: spelling), again.rendezvousID == code.rendezvousID,
              again.linkSecret == code.linkSecret else {
            violated("LinkCode does not read back its own spelling \(spelling)", bytes)
        }
    }
}

#if !FUZZING
/// `[TWOFOLD_FUZZ_TARGET=NAME] twofold-fuzz-protocol FILE|DIR…`: runs each file (each file
/// in each directory) through ``fuzz(_:_:)`` once, as libFuzzer would.
@main
enum Replay {
    static func main() {
        FuzzHarness.replay(tool: "twofold-fuzz-protocol", arguments: Array(CommandLine.arguments.dropFirst()), fuzz: fuzz)
    }
}
#endif
