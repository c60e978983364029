import Foundation
import TwofoldOTP

/// The fields of a token as an importer reads them, before they become an `OTPToken`.
///
/// Importers fill a draft from whatever their format calls the fields, then `build()`
/// turns it into a token. Validation (ranges, sizes) happens once, in
/// ``ImportCollector``, for every format alike.
struct TokenDraft {
    var kind: OTPKind
    var secret: [UInt8]
    var issuer = ""
    var account = ""
    var algorithm: OTPAlgorithm = .sha1
    var digits: Int?
    var period: Int?
    var counter: UInt64 = 0
    var tags: [String] = []
    var note = ""

    func build() -> OTPToken {
        OTPToken(
            kind: kind, secret: secret, issuer: issuer, account: account,
            algorithm: algorithm, digits: digits, period: period ?? 30, counter: counter,
            tags: tags, note: note)
    }
}

extension TokenDraft {
    /// Decodes a Base32 secret (any case, spaces and padding allowed), naming `field`
    /// in the error.
    static func secret(base32 text: String, field: String) throws(EntryError) -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = try Base32.decode(text)
        } catch {
            throw EntryError("field '\(field)': \(error.description)")
        }
        if bytes.isEmpty { throw .otp(.emptySecret) }
        return bytes
    }

    /// Maps a type name as apps write it ("totp", "TOTP", "Steam") to a kind.
    static func kind(named name: String, field: String) throws(EntryError) -> OTPKind {
        switch name.lowercased() {
        case "totp": return .totp
        case "hotp": return .hotp
        case "steam": return .steam
        case "yandex", "motp":
            throw .unsupported("the token type '\(name)'")
        default:
            throw .invalid(field, "has unknown token type '\(name)'")
        }
    }

    /// Maps an algorithm name ("SHA1", "sha-256", "SHA512") to an algorithm; MD5 and
    /// others are refused.
    static func algorithm(named name: String, field: String) throws(EntryError) -> OTPAlgorithm {
        guard let algorithm = OTPAlgorithm(lenient: name) else {
            if name.uppercased() == "MD5" { throw .unsupported("the algorithm MD5") }
            throw .otp(.unknownAlgorithm(name))
        }
        return algorithm
    }

    /// Splits an "Issuer:account" label when the file has no separate issuer field, the
    /// Key URI convention (Key URI format, "Label").
    static func splitLabel(_ label: String) -> (issuer: String, account: String) {
        guard let colon = label.firstIndex(of: ":") else { return ("", label) }
        let issuer = label[..<colon].trimmingCharacters(in: .whitespaces)
        let account = label[label.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        return (issuer, account)
    }

    /// "Issuer:account" for failure messages, from whichever parts are known.
    static func label(issuer: String?, account: String?) -> String? {
        let parts = [issuer, account].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: ":")
    }
}
