import Foundation
import Testing
import TwofoldCrypto
import TwofoldProtocol

/// The link code, its key and tags (Protocol/devices.md, "Linking", "The code"), and the
/// code parser against hostile input.
@Suite struct LinkCodeTests {
    static let sourceRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/TwofoldProtocol/Linking")

    @Test func codeTextRoundTrips() throws {
        for _ in 0..<200 {
            let code = LinkCode.generate()
            #expect(code.rendezvousID.count == 10 && code.linkSecret.count == 10)
            let text = code.text
            #expect(text.count == 39)
            #expect(text.split(separator: "-").map(\.count) == Array(repeating: 4, count: 8))
            for typed in [text, code.compactText, text.lowercased(), code.qrPayload, text.replacingOccurrences(of: "-", with: " ")] {
                let parsed = try LinkCode(text: typed)
                #expect(parsed.rendezvousID == code.rendezvousID)
                #expect(parsed.linkSecret == code.linkSecret)
            }
        }
    }

    /// [DEV-6]: rendezvous id and secret come from the CSPRNG (fresh and distinct on every
    /// call, made with SecureRandom and SecureBytes.random only), and both tags are compared
    /// with ConstantTime.equals, never with `==`.
    @Test func valuesComeFromTheCSPRNGAndTagsCompareInConstantTime() throws {
        var rendezvous = Set<[UInt8]>(), secrets = Set<[UInt8]>()
        for _ in 0..<1000 {
            let code = LinkCode.generate()
            rendezvous.insert(code.rendezvousID)
            secrets.insert(code.linkSecret.copyBytes())
        }
        #expect(rendezvous.count == 1000 && secrets.count == 1000)
        let codeSource = try String(contentsOf: Self.sourceRoot.appendingPathComponent("LinkCode.swift"), encoding: .utf8)
        let generate = try #require(codeSource.firstRange(of: "public static func generate()"))
        let body = codeSource[generate.upperBound...].prefix(260)
        #expect(body.contains("SecureRandom.bytes(rendezvousLength)") && body.contains("SecureBytes.random(count: secretLength)"))
        let keySource = try String(contentsOf: Self.sourceRoot.appendingPathComponent("LinkKey.swift"), encoding: .utf8)
        for verify in ["public func verifyOffer(", "public func verifyReply("] {
            let start = try #require(keySource.firstRange(of: verify))
            let rest = keySource[start.upperBound...]
            let end = rest.firstRange(of: "\n    }\n")?.lowerBound ?? rest.endIndex
            let function = rest[..<end]
            #expect(function.contains("ConstantTime.equals("), "\(verify) must compare in constant time")
            #expect(!function.contains("=="), "\(verify) must not compare with ==")
        }
        // And the checks really depend on every byte of the tag.
        let code = LinkCode.generate()
        let device = DeviceID.random()
        let sign = Ed25519KeyPair.generate().publicKey, box = X25519KeyPair.generate().publicKey
        let tag = code.linkKey.offerTag(rendezvousID: code.rendezvousID, device: device, signKey: sign, boxKey: box)
        #expect(code.linkKey.verifyOffer(tag, rendezvousID: code.rendezvousID, device: device, signKey: sign, boxKey: box))
        for i in tag.indices {
            var bad = tag
            bad[i] ^= 1
            #expect(!code.linkKey.verifyOffer(bad, rendezvousID: code.rendezvousID, device: device, signKey: sign, boxKey: box))
        }
        #expect(!code.linkKey.verifyOffer(Array(tag.dropLast()), rendezvousID: code.rendezvousID, device: device, signKey: sign, boxKey: box))
        #expect(!code.linkKey.verifyOffer([], rendezvousID: code.rendezvousID, device: device, signKey: sign, boxKey: box))
    }

    /// [DEV-7]/[DEV-8] at the protocol level: a tag made with another code's key, or over
    /// any changed value, does not verify.
    @Test func tagsBindEveryValueAndTheSecret() throws {
        let code = LinkCode.generate()
        let other = try LinkCode(rendezvousID: code.rendezvousID, linkSecret: SecureBytes.random(count: 10))
        let account = AccountID.random(), from = DeviceID.random()
        let sign = Ed25519KeyPair.generate().publicKey, box = X25519KeyPair.generate().publicKey
        let grant = SecureRandom.bytes(101)
        let reply = LinkReplyContent(
            account: account, epoch: 3, grant: grant,
            tag: code.linkKey.replyTag(rendezvousID: code.rendezvousID, account: account, epoch: 3, fromDevice: from,
                                       fromSignKey: sign, fromBoxKey: box, grant: grant),
            fromDevice: from, fromSignKey: sign, fromBoxKey: box)
        #expect(reply.isAuthentic(key: code.linkKey, rendezvousID: code.rendezvousID))
        #expect(!reply.isAuthentic(key: other.linkKey, rendezvousID: code.rendezvousID))
        #expect(!reply.isAuthentic(key: code.linkKey, rendezvousID: SecureRandom.bytes(10)))
        var changed = [reply, reply, reply, reply, reply, reply]
        changed[0].account = .random()
        changed[1].epoch = 4
        changed[2].grant[50] ^= 1
        changed[3].fromDevice = .random()
        changed[4].fromSignKey = Ed25519KeyPair.generate().publicKey
        changed[5].fromBoxKey = X25519KeyPair.generate().publicKey
        for bad in changed { #expect(!bad.isAuthentic(key: code.linkKey, rendezvousID: code.rendezvousID)) }
        // Offer and reply tags never stand in for each other (distinct labels).
        #expect(LinkKey.offerLabel != LinkKey.replyLabel && LinkKey.keyLabel != LinkKey.offerLabel)
    }

    @Test func parserReadsLookAlikesAndSeparators() throws {
        let code = try LinkCode(text: "0123-4444-0110-0S2R-J129-N8CA-3YJ5-A849")
        for typed in ["O123-4444-OIlO-OS2R-JI29-N8CA-3YJ5-A849", "o123 4444 oilo os2r ji29 n8ca 3yj5 a849",
                      "0123444401100S2RJ129N8CA3YJ5A849", "  0123-4444-0110-0S2R-J129-N8CA-3YJ5-A849", "--0123--4444-0110-0S2R-J129-N8CA-3YJ5-A849--",
                      "TWOFOLD-LINK:0123444401100S2RJ129N8CA3YJ5A849", "twofold-link:0123-4444-0110-0S2R-J129-N8CA-3YJ5-A849"] {
            let parsed = try LinkCode(text: typed)
            #expect(parsed.rendezvousID == code.rendezvousID && parsed.linkSecret == code.linkSecret, "\(typed)")
        }
    }

    @Test func hostileCodesAreRefusedWithAClearError() throws {
        let good = "0123-4444-0110-0S2R-J129-N8CA-3YJ5-A849"
        let cases: [(String, LinkCodeError)] = [
            ("", .wrongLength(0)),
            ("----", .wrongLength(0)),
            (String(good.dropLast()), .wrongLength(31)),
            (good + "0", .wrongLength(33)),
            ("U" + good.dropFirst(), .invalidCharacter("U", position: 1)),
            ("u" + good.dropFirst(), .invalidCharacter("u", position: 1)),
            (good.replacingOccurrences(of: "-", with: "."), .invalidCharacter(".", position: 5)),
            (good.replacingOccurrences(of: "-", with: "_"), .invalidCharacter("_", position: 5)),
            ("0123\t4444", .invalidCharacter("U+0009", position: 5)),
            ("0123\n4444", .invalidCharacter("U+000A", position: 5)),
            ("0123\u{0}4444", .invalidCharacter("U+0000", position: 5)),
            ("\u{FF10}" + good.dropFirst(), .invalidCharacter("U+FF10", position: 1)),
            ("0\u{301}" + good.dropFirst(), .invalidCharacter("U+0030 U+0301", position: 1)),
            ("\u{200B}" + good, .invalidCharacter("U+200B", position: 1)),
            ("🔑" + good, .invalidCharacter("U+1F511", position: 1)),
            ("twofold-lnk:" + good, .invalidCharacter(":", position: 12)),
            ("twofold-link:", .wrongLength(0)),
            (String(repeating: "0", count: 129), .tooLong),
            (String(repeating: "-", count: 10_000) + good, .tooLong),
        ]
        for (typed, expected) in cases {
            #expect(throws: expected, "\(typed.prefix(60).debugDescription)") { try LinkCode(text: typed) }
        }
        // Every message says what to do.
        for (_, error) in cases { #expect(error.description.contains("code") && !error.description.contains("\n")) }
        #expect(LinkCodeError.wrongLength(31).description.contains("31 characters instead of 32"))
    }

    /// Random garbage never crashes the parser, and whatever it accepts reads back as itself.
    @Test func randomInputNeverCrashes() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces: [String] = ["0", "1", "A", "z", "I", "l", "O", "U", "-", " ", "\t", "é", "\u{0}", "twofold-link:", "🔑", "\u{301}", "９"]
        for _ in 0..<5000 {
            let count = Int.random(in: 0...48, using: &generator)
            let text = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            if let code = try? LinkCode(text: text) {
                let again = try LinkCode(text: code.text)
                #expect(again.rendezvousID == code.rendezvousID && again.linkSecret == code.linkSecret)
            }
        }
    }

    @Test func storedHalvesMustHaveTheirLengths() {
        #expect(throws: LinkCodeError.self) { try LinkCode(rendezvousID: [1, 2, 3], linkSecret: SecureBytes.random(count: 10)) }
        #expect(throws: LinkCodeError.self) { try LinkCode(rendezvousID: SecureRandom.bytes(10), linkSecret: SecureBytes.random(count: 11)) }
        #expect(throws: LinkCodeError.self) { try LinkKey(bytes: SecureBytes.random(count: 31)) }
    }
}
