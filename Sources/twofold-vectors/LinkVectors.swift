@_spi(TestVectors) import TwofoldCrypto
@_spi(TestVectors) import TwofoldProtocol

/// `link/`: the linking code, its key and the two tags (Protocol/devices.md, "Linking",
/// "The code"). Built here from the spec's formulas with plain BLAKE2b and an
/// independent base32 writer, so the checks test `LinkCode` and `LinkKey` against it.
///
/// Three kinds of file, told apart by their headers:
/// - `code-…`: `code-text` as typed; on success the `rendezvous-id`, `link-secret`,
///   `canonical` text, `qr-payload` and `link-key` a reader must get. No data.
/// - `offer-…`: `code-text`, the offered `device-id`, `sign-key`, `box-key` and the
///   `tag` the relay passed on. No data.
/// - `reply-…`: `code-text`, `account-id`, `epoch`, `from-device-id`, `from-sign-key`,
///   `from-box-key` and `tag`; data: the grant, hex.
enum LinkVectors: VectorFamily {
    static let directory = "link"
    typealias F = Fixtures

    static let rendezvous = Seed.bytes("link/rendezvous-id", 10)
    static let secret = Seed.bytes("link/link-secret", 10)
    /// A code whose text has 0s and 1s, to show the look-alike readings.
    static let zeros: [UInt8] = [0x00, 0x44, 0x32, 0x10, 0x84, 0x00, 0x42, 0x00] + Seed.bytes("link/zeros", 12)
    static let newDevice = try! DeviceID(bytes: Seed.bytes("link/new-device-id", 16))
    static let newSigning = F.signing("link/new-device")
    static let newBox = F.box("link/new-device")
    static let approver = F.deviceA
    static let approverSigning = F.signing("device-a")
    static let approverBox = F.box("device-a")

    static let crockford = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// Base32 by bits, most significant first: the spec's definition, written plainly.
    static func base32(_ bytes: [UInt8]) -> String {
        let bits = bytes.flatMap { byte in (0..<8).map { (byte >> (7 - $0)) & 1 } }
        return String(stride(from: 0, to: bits.count, by: 5).map { i in
            crockford[Int(bits[i..<i + 5].reduce(UInt8(0)) { $0 << 1 | $1 })]
        })
    }

    static func grouped(_ text: String) -> String {
        let c = Array(text)
        return stride(from: 0, to: c.count, by: 4).map { String(c[$0..<$0 + 4]) }.joined(separator: "-")
    }

    static func linkKey(_ code: [UInt8]) -> [UInt8] {
        BLAKE2b.hash(Array("twofold/link-key/v1".utf8) + code, outputLength: 32)
    }

    static func u32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }

    static func offerTag(_ code: [UInt8], device: DeviceID, sign: [UInt8], box: [UInt8]) -> [UInt8] {
        BLAKE2b.hash(Array("twofold/link-offer/v1".utf8) + Array(code.prefix(10)) + device.bytes + sign + box,
                     outputLength: 32, key: linkKey(code))
    }

    static func replyTag(_ code: [UInt8], account: AccountID, epoch: UInt32, from: DeviceID, sign: [UInt8], box: [UInt8],
                         grant: [UInt8]) -> [UInt8] {
        BLAKE2b.hash(Array("twofold/link-reply/v1".utf8) + Array(code.prefix(10)) + account.bytes + u32(epoch) + from.bytes
                     + sign + box + grant, outputLength: 32, key: linkKey(code))
    }

    static func codeFile(_ name: String, _ expect: String, _ comment: String, typed: String, code: [UInt8]? = nil) -> VectorFile {
        var fields: [VectorFile.Field] = [.init("code-text", typed)]
        if let code {
            let text = base32(code)
            fields += [
                .init("rendezvous-id", Hex.encode(Array(code.prefix(10)))), .init("link-secret", Hex.encode(Array(code.suffix(10)))),
                .init("canonical", grouped(text)), .init("qr-payload", "twofold-link:" + text),
                .init("link-key", Hex.encode(linkKey(code))),
            ]
        }
        return F.file("\(directory)/code-\(name)", expect, comment, fields, data: "")
    }

    static func offerFile(_ name: String, _ expect: String, _ comment: String, typed: String, device: DeviceID = newDevice,
                          sign: [UInt8] = newSigning.publicKey, box: [UInt8] = newBox.publicKey, tag: [UInt8]) -> VectorFile {
        F.file("\(directory)/offer-\(name)", expect, comment, [
            .init("code-text", typed), .init("device-id", device.hex), .init("sign-key", Hex.encode(sign)),
            .init("box-key", Hex.encode(box)), .init("tag", Hex.encode(tag)),
        ], data: "")
    }

    static func replyFile(_ name: String, _ expect: String, _ comment: String, typed: String, account: AccountID = F.account,
                          epoch: UInt32 = 1, from: DeviceID = approver, sign: [UInt8] = approverSigning.publicKey,
                          box: [UInt8] = approverBox.publicKey, grant: [UInt8], tag: [UInt8]) -> VectorFile {
        F.file("\(directory)/reply-\(name)", expect, comment, [
            .init("code-text", typed), .init("account-id", account.hex), .init("epoch", "\(epoch)"),
            .init("from-device-id", from.hex), .init("from-sign-key", Hex.encode(sign)), .init("from-box-key", Hex.encode(box)),
            .init("tag", Hex.encode(tag)),
        ], data: VectorFile.hex(grant))
    }

    static func files() -> [VectorFile] {
        let code = rendezvous + secret
        let text = base32(code)
        let canonical = grouped(text)
        let zerosText = base32(zeros)
        let lookAlikes = String(grouped(zerosText).enumerated().map { i, c -> Character in
            switch c {
            case "0": return i % 2 == 0 ? "O" : "o"
            case "1": return ["I", "l", "L", "i"][i % 4]
            default: return c
            }
        })
        // One character of the secret half changed (the last one, to its neighbour in the alphabet).
        var mistyped = Array(canonical)
        let last = crockford.firstIndex(of: mistyped[mistyped.count - 1])!
        mistyped[mistyped.count - 1] = crockford[(last + 1) % 32]
        let mistypedText = String(mistyped)

        let sign = newSigning.publicKey, box = newBox.publicKey
        let goodOfferTag = Self.offerTag(code, device: newDevice, sign: sign, box: box)
        let intruder = F.box("link/intruder").publicKey
        let intruderSign = F.signing("link/intruder").publicKey
        var flipped = goodOfferTag
        flipped[0] ^= 0x80

        let grant = try! Grant.seal(vaultKey: SecureBytes(F.vaultKey1), account: F.account, epoch: 1, to: box,
                                    ephemeralSeed: Seed.bytes("link/grant-ephemeral"))
        let intruderGrant = try! Grant.seal(vaultKey: SecureBytes(Seed.bytes("link/intruder-vault-key")), account: F.account,
                                            epoch: 1, to: box, ephemeralSeed: Seed.bytes("link/intruder-grant-ephemeral"))
        let goodReplyTag = Self.replyTag(code, account: F.account, epoch: 1, from: approver, sign: approverSigning.publicKey,
                                box: approverBox.publicKey, grant: grant)

        return [
            codeFile("sample", "success", "a code as shown: 8 groups of 4 joined by '-'", typed: canonical, code: code),
            codeFile("compact", "success", "the same code without separators", typed: text, code: code),
            codeFile("lower-case-and-spaces", "success", "lower case, groups separated by spaces",
                     typed: canonical.lowercased().replacingOccurrences(of: "-", with: " "), code: code),
            codeFile("look-alikes", "success", "I, i, L and l read as 1, O and o as 0 (Crockford)", typed: lookAlikes, code: zeros),
            codeFile("qr-payload", "success", "the text of the QR code: twofold-link: and the 32 characters",
                     typed: "twofold-link:" + text, code: code),
            codeFile("31-characters", "parse failure", "one character short", typed: String(canonical.dropLast())),
            codeFile("33-characters", "parse failure", "one character too many", typed: canonical + "A"),
            codeFile("letter-u", "parse failure", "U is not in the Crockford alphabet",
                     typed: "U" + String(canonical.dropFirst())),
            codeFile("non-ascii", "parse failure", "a fullwidth digit is not a code character",
                     typed: "\u{FF10}" + String(canonical.dropFirst())),
            codeFile("other-separator", "parse failure", "only '-' and spaces separate groups",
                     typed: canonical.replacingOccurrences(of: "-", with: ".")),
            codeFile("empty", "parse failure", "no characters at all", typed: ""),
            codeFile("wrong-scheme", "parse failure", "a QR text with another scheme", typed: "twofold-lnk:" + text),

            offerFile("valid", "success", "the new device's keys, tagged with the code's link key", typed: canonical, tag: goodOfferTag),
            offerFile("typed-lower-case", "success", "the same offer checked with the code typed in lower case",
                      typed: canonical.lowercased(), tag: goodOfferTag),
            offerFile("swapped-box-key", "authentication failure", "the relay replaced the X25519 key and kept the tag",
                      typed: canonical, box: intruder, tag: goodOfferTag),
            offerFile("swapped-sign-key", "authentication failure", "the relay replaced the Ed25519 key and kept the tag",
                      typed: canonical, sign: intruderSign, tag: goodOfferTag),
            offerFile("other-device-id", "authentication failure", "the relay replaced the device id",
                      typed: canonical, device: F.deviceC, tag: goodOfferTag),
            offerFile("retagged-without-secret", "authentication failure",
                      "swapped keys with a tag the relay made from the rendezvous id alone (a zero secret)",
                      typed: canonical, box: intruder,
                      tag: Self.offerTag(rendezvous + [UInt8](repeating: 0, count: 10), device: newDevice, sign: sign, box: intruder)),
            offerFile("mistyped-code", "authentication failure", "the last character of the code mistyped: another link key",
                      typed: mistypedText, tag: goodOfferTag),
            offerFile("tag-flipped", "authentication failure", "one bit of the tag flipped", typed: canonical, tag: flipped),

            replyFile("valid", "success", "device A's reply: epoch 1's vault key sealed to the new device", typed: canonical,
                      grant: grant, tag: goodReplyTag),
            replyFile("swapped-grant", "authentication failure", "the relay replaced the grant with one of its own vault key",
                      typed: canonical, grant: intruderGrant, tag: goodReplyTag),
            replyFile("swapped-from-box-key", "authentication failure", "the relay replaced the approving device's X25519 key",
                      typed: canonical, box: intruder, grant: grant, tag: goodReplyTag),
            replyFile("swapped-from-sign-key", "authentication failure", "the relay replaced the approving device's Ed25519 key",
                      typed: canonical, sign: intruderSign, grant: grant, tag: goodReplyTag),
            replyFile("other-account", "authentication failure", "the reply presented for another account",
                      typed: canonical, account: F.otherAccount, grant: grant, tag: goodReplyTag),
            replyFile("other-epoch", "authentication failure", "the reply presented for epoch 2",
                      typed: canonical, epoch: 2, grant: grant, tag: goodReplyTag),
            replyFile("other-from-device", "authentication failure", "the reply attributed to device B",
                      typed: canonical, from: F.deviceB, grant: grant, tag: goodReplyTag),
        ]
    }
}
