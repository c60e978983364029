import Crypto
import Foundation
import TwofoldOTP

/// andOTP backups: a JSON array of entries, plain or encrypted.
///
/// Encrypted (andOTP ≥ 0.6.3): `[iterations: u32 BE][salt: 12][nonce: 12][ciphertext][tag: 16]`,
/// key = PBKDF2-HMAC-SHA1(password, salt, iterations, 32 bytes), AES-256-GCM.
/// Older encrypted backups: `[nonce: 12][ciphertext][tag: 16]`, key = SHA-256(password).
/// Both decrypt to the plain JSON. Entries of older versions have no `issuer` and an
/// "Issuer:Name" `label`.
enum AndOTPFormat {
    static func read(_ data: Data, password: String?) throws(ImportError) -> ImportResult {
        let body = TextInput.droppingBOM(data)
        // Plain backups are JSON text; encrypted ones are random-looking binary, which at
        // the size of any real backup (hundreds of bytes) is practically never valid UTF-8:
        // roughly every other random byte breaks it.
        if String(data: body, encoding: .utf8) != nil {
            return try read(JSONReader.parse(body, as: .andotp))
        }
        guard let password else { throw .passwordRequired(.andotp) }
        let bytes = [UInt8](body)
        return try read(JSONReader.parse(Data(decrypt(bytes, password: password)), as: .andotp))
    }

    /// Decrypts either encrypted layout. The old layout is tried first because it costs
    /// one hash; the current one costs the PBKDF2 iterations its header names, which are
    /// bounded (``ImportLimits/maxPBKDF2Iterations``).
    static func decrypt(_ bytes: [UInt8], password: String) throws(ImportError) -> [UInt8] {
        guard bytes.count >= 12 + 16 else {
            throw .malformed(.andotp, reason: "the file is too short to be an encrypted backup")
        }
        let oldKey = SymmetricKey(data: SHA256.hash(data: Array(password.utf8)))
        if let plain = AESGCM.open(combined: Array(bytes[12...]), nonce: Array(bytes[..<12]), key: oldKey) {
            return plain
        }
        let headerLength = 4 + 12 + 12
        guard bytes.count >= headerLength + 16 else { throw .wrongPassword(.andotp) }
        let iterations = bytes[..<4].reduce(0) { $0 << 8 | Int($1) }
        if iterations == 0 || iterations > ImportLimits.maxPBKDF2Iterations {
            // No PBKDF2 run for an implausible count. andOTP writes 140,000–160,000, so the
            // likely reading is an old-format backup (whose first bytes are a random nonce)
            // opened with a wrong password; a hostile header gains nothing from this answer.
            throw .wrongPassword(.andotp)
        }
        let key = try KeyDerivation.pbkdf2(
            password: password, salt: Array(bytes[4..<16]), iterations: iterations, sha256: false,
            format: .andotp)
        guard let plain = AESGCM.open(combined: Array(bytes[headerLength...]), nonce: Array(bytes[16..<28]), key: key)
        else { throw .wrongPassword(.andotp) }
        return plain
    }

    static func read(_ json: JSONValue) throws(ImportError) -> ImportResult {
        guard case .array(let entries) = json else {
            throw .malformed(.andotp, reason: "the backup should be a JSON array, found \(json.typeName)")
        }
        var collector = ImportCollector(format: .andotp)
        for entry in entries {
            let fields = entry.objectValue.map { JSONFields(trusted: $0) }
            let label = TokenDraft.label(
                issuer: fields?.value("issuer")?.stringValue, account: fields?.value("label")?.stringValue)
            try collector.entry(label: label) { () throws(EntryError) in try token(entry) }
        }
        return collector.result
    }

    private static func token(_ entry: JSONValue) throws(EntryError) -> OTPToken {
        let fields = try JSONFields(entry)
        let kind = try TokenDraft.kind(named: fields.string("type"), field: "type")
        var draft = TokenDraft(kind: kind, secret: try TokenDraft.secret(base32: fields.string("secret"), field: "secret"))
        let label = try fields.optionalString("label") ?? ""
        if let issuer = try fields.optionalString("issuer"), !issuer.isEmpty {
            draft.issuer = issuer
            draft.account = label
        } else {
            (draft.issuer, draft.account) = oldLabel(label)
        }
        draft.algorithm = try TokenDraft.algorithm(named: fields.optionalString("algorithm") ?? "SHA1", field: "algorithm")
        draft.digits = try fields.optionalInt("digits")
        if kind == .hotp {
            draft.counter = try fields.counter("counter")
        } else {
            draft.period = try fields.optionalInt("period")
        }
        draft.tags = try fields.strings("tags")
        return draft.build()
    }

    /// Old andOTP versions had no `issuer` field and wrote `label` as
    /// "Issuer - Issuer:Account" (the issuer, then the Key URI's own label), or a plain
    /// Key URI label "Issuer:Account".
    static func oldLabel(_ label: String) -> (issuer: String, account: String) {
        guard let dash = label.range(of: " - ") else { return TokenDraft.splitLabel(label) }
        let issuer = String(label[..<dash.lowerBound]).trimmingCharacters(in: .whitespaces)
        let rest = String(label[dash.upperBound...])
        if rest.hasPrefix(issuer + ":") {
            return (issuer, String(rest.dropFirst(issuer.count + 1)).trimmingCharacters(in: .whitespaces))
        }
        let inner = TokenDraft.splitLabel(rest)
        return (issuer, inner.issuer.isEmpty ? rest : inner.account)
    }
}
