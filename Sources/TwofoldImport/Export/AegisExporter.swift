import Crypto
import Foundation
import TwofoldOTP

/// Aegis vault files (Aegis docs/vault.md), content version 3, so that the Aegis app
/// imports them as its own backups.
///
/// Plain: `header.slots` and `header.params` null, `db` the content object.
/// Encrypted, exactly as Aegis writes a password-protected vault:
/// - a random 256-bit master key encrypts the content JSON with AES-256-GCM (random
///   96-bit nonce, no associated data); `db` = Base64(ciphertext), and the nonce and
///   tag go, in hex, in `header.params`;
/// - one password slot (type 1): key = scrypt(UTF-8 password, random 32-byte salt,
///   N = 2^15, r = 8, p = 1, 32 bytes) wraps the master key with AES-256-GCM; the slot
///   holds the wrapped `key`, `key_params` {nonce, tag}, `n`, `r`, `p`, `salt` (hex) and
///   `repaired: true` (the password was encoded as UTF-8, the current Aegis behaviour).
///
/// Tags become Aegis groups, in the order they first appear.
enum AegisExporter {
    /// Aegis's own scrypt parameters (docs/vault.md, "KDF").
    static let scryptN = 1 << 15
    static let scryptR = 8
    static let scryptP = 1
    /// The content version written.
    static let contentVersion: Int64 = 3

    static func write(_ tokens: [OTPToken], password: String?) throws(ImportError) -> String {
        let content = self.content(tokens)
        guard let password else {
            return vault(header: .object([("slots", .null), ("params", .null)]), db: content).rendered() + "\n"
        }
        let masterKey = AESGCM.randomBytes(32)
        let sealed = try AESGCM.seal(Array(content.rendered().utf8), key: SymmetricKey(data: masterKey))
        let salt = AESGCM.randomBytes(32)
        let slotKey: SymmetricKey
        do {
            slotKey = try KeyDerivation.scrypt(
                password: password, salt: salt, n: scryptN, r: scryptR, p: scryptP, format: .aegis)
        } catch {
            throw .exportFailed(reason: "scrypt failed")
        }
        let wrapped = try AESGCM.seal(masterKey, key: slotKey)
        let slot = JSONOutput.object([
            ("type", .integer(1)),
            ("uuid", .string(UUID().uuidString.lowercased())),
            ("key", .string(ByteEncoding.hex(wrapped.ciphertext))),
            ("key_params", nonceAndTag(wrapped.nonce, wrapped.tag)),
            ("n", .integer(Int64(scryptN))),
            ("r", .integer(Int64(scryptR))),
            ("p", .integer(Int64(scryptP))),
            ("salt", .string(ByteEncoding.hex(salt))),
            ("repaired", .bool(true)),
            ("is_backup", .bool(false)),
        ])
        let header = JSONOutput.object([
            ("slots", .array([slot])),
            ("params", nonceAndTag(sealed.nonce, sealed.tag)),
        ])
        let db = JSONOutput.string(Data(sealed.ciphertext).base64EncodedString())
        return vault(header: header, db: db).rendered() + "\n"
    }

    private static func vault(header: JSONOutput, db: JSONOutput) -> JSONOutput {
        .object([("version", .integer(Int64(AegisFormat.fileVersion))), ("header", header), ("db", db)])
    }

    private static func nonceAndTag(_ nonce: [UInt8], _ tag: [UInt8]) -> JSONOutput {
        .object([("nonce", .string(ByteEncoding.hex(nonce))), ("tag", .string(ByteEncoding.hex(tag)))])
    }

    /// The content object: entries and the groups their tags name.
    static func content(_ tokens: [OTPToken]) -> JSONOutput {
        var groupIDs: [String: String] = [:]
        var groups: [JSONOutput] = []
        for tag in tokens.flatMap(\.tags) where groupIDs[tag] == nil {
            let id = UUID().uuidString.lowercased()
            groupIDs[tag] = id
            groups.append(.object([("uuid", .string(id)), ("name", .string(tag))]))
        }
        let entries = tokens.map { entry($0, groupIDs: groupIDs) }
        return .object([
            ("version", .integer(contentVersion)),
            ("entries", .array(entries)),
            ("groups", .array(groups)),
        ])
    }

    private static func entry(_ token: OTPToken, groupIDs: [String: String]) -> JSONOutput {
        var info: [(String, JSONOutput)] = [
            ("secret", .string(Base32.encode(token.secret))),
            ("algo", .string(token.algorithm.rawValue)),
            ("digits", .integer(Int64(token.digits))),
        ]
        if token.kind == .hotp {
            info.append(("counter", .unsigned(token.counter)))
        } else {
            info.append(("period", .integer(Int64(token.period))))
        }
        var seen: Set<String> = []
        let groups = token.tags.compactMap { groupIDs[$0] }.filter { seen.insert($0).inserted }
        return .object([
            ("type", .string(token.kind.rawValue)),
            ("uuid", .string(UUID().uuidString.lowercased())),
            ("name", .string(token.account)),
            ("issuer", .string(token.issuer)),
            ("note", .string(token.note)),
            ("favorite", .bool(false)),
            ("icon", .null),
            ("icon_mime", .null),
            ("icon_hash", .null),
            ("info", .object(info)),
            ("groups", .array(groups.map { .string($0) })),
        ])
    }
}
