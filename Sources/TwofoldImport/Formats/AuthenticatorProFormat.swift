import Foundation
import TwofoldOTP

/// Authenticator Pro (Stratum) plain JSON backups:
/// `{"Authenticators": [...], "Categories": [{"Id", "Name"}],
///   "AuthenticatorCategories": [{"CategoryId", "AuthenticatorSecret"}]}`.
///
/// `Type`: 1 HOTP, 2 TOTP, 3 mOTP, 4 Steam, 5 Yandex (mOTP and Yandex are refused per
/// entry). `Algorithm`: 0 SHA1, 1 SHA256, 2 SHA512. Categories become tags.
/// Encrypted backups (binary, starting with "AUTHENTICATORPRO") are refused.
enum AuthenticatorProFormat {
    /// The header of Authenticator Pro's encrypted backups.
    static let encryptedMagic = Array("AUTHENTICATORPRO".utf8)

    static func read(_ data: Data) throws(ImportError) -> ImportResult {
        if data.starts(with: encryptedMagic) || data.starts(with: Array("AuthenticatorPro".utf8)) {
            throw .unsupportedEncryption(
                .authenticatorPro, detail: "an encrypted backup; in Authenticator Pro back up without a password")
        }
        return try read(JSONReader.parse(data, as: .authenticatorPro))
    }

    static func read(_ json: JSONValue) throws(ImportError) -> ImportResult {
        let (authenticators, categoriesBySecret) = try JSONFields.fileLevel(.authenticatorPro) {
            () throws(EntryError) in
            let file = try JSONFields(json, name: "the file")
            var names: [String: String] = [:]
            for category in try file.optionalArray("Categories") ?? [] {
                let fields = try JSONFields(category, path: "Categories[].", name: "a category")
                names[try fields.string("Id")] = try fields.string("Name")
            }
            var tags: [String: [String]] = [:]
            for link in try file.optionalArray("AuthenticatorCategories") ?? [] {
                let fields = try JSONFields(link, path: "AuthenticatorCategories[].", name: "a category link")
                if let name = names[try fields.string("CategoryId")] {
                    tags[try fields.string("AuthenticatorSecret"), default: []].append(name)
                }
            }
            return (try file.array("Authenticators"), tags)
        }
        var collector = ImportCollector(format: .authenticatorPro)
        for entry in authenticators {
            let fields = entry.objectValue.map { JSONFields(trusted: $0) }
            let label = TokenDraft.label(
                issuer: fields?.value("Issuer")?.stringValue, account: fields?.value("Username")?.stringValue)
            try collector.entry(label: label) { () throws(EntryError) in
                try token(entry, categoriesBySecret: categoriesBySecret)
            }
        }
        return collector.result
    }

    private static func token(_ entry: JSONValue, categoriesBySecret: [String: [String]]) throws(EntryError) -> OTPToken {
        let fields = try JSONFields(entry)
        let kind: OTPKind
        switch try fields.int("Type") {
        case 1: kind = .hotp
        case 2: kind = .totp
        case 3: throw .unsupported("the token type mOTP")
        case 4: kind = .steam
        case 5: throw .unsupported("the token type Yandex")
        case let other: throw .invalid("Type", "has unknown value \(other)")
        }
        let secretText = try fields.string("Secret")
        var draft = TokenDraft(kind: kind, secret: try TokenDraft.secret(base32: secretText, field: "Secret"))
        draft.issuer = try fields.optionalString("Issuer") ?? ""
        draft.account = try fields.optionalString("Username") ?? ""
        switch try fields.optionalInt("Algorithm") ?? 0 {
        case 0: draft.algorithm = .sha1
        case 1: draft.algorithm = .sha256
        case 2: draft.algorithm = .sha512
        case let other: throw .invalid("Algorithm", "has unknown value \(other)")
        }
        draft.digits = try fields.optionalInt("Digits")
        if kind == .hotp {
            draft.counter = try fields.optionalCounter("Counter") ?? 0
        } else {
            draft.period = try fields.optionalInt("Period")
        }
        draft.tags = categoriesBySecret[secretText] ?? []
        return draft.build()
    }
}
