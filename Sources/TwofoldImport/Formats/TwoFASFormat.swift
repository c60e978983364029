import Foundation
import TwofoldOTP

/// 2FAS Authenticator `.2fas` backups, schema versions 1–4, plain or encrypted.
///
/// `{"schemaVersion", "services": [...], "groups": [{"id", "name"}], "servicesEncrypted"?}`.
/// Encrypted backups leave `services` empty and put the services array, as JSON, in
/// `servicesEncrypted` = `b64(ciphertext ‖ tag) ":" b64(salt) ":" b64(iv)`, with the key
/// PBKDF2-HMAC-SHA256(password, salt, 10,000 iterations, 32 bytes) and AES-256-GCM.
///
/// Per schema: 1 has no algorithm/digits/period (SHA1, 6, 30 apply); 2 adds them but no
/// token type, so its HOTP entries read as TOTP (what 2FAS itself did); 3 and 4 add
/// `tokenType` (TOTP, HOTP, STEAM) and `counter`. Groups become tags.
enum TwoFASFormat {
    /// Schema versions this reader knows.
    static let schemas = 1...4
    /// 2FAS's fixed PBKDF2 iteration count.
    static let iterations = 10_000

    static func read(_ data: Data, password: String?) throws(ImportError) -> ImportResult {
        try read(JSONReader.parse(data, as: .twofas), password: password)
    }

    static func read(_ json: JSONValue, password: String?) throws(ImportError) -> ImportResult {
        let (schema, plainServices, encrypted, groupNames) = try JSONFields.fileLevel(.twofas) {
            () throws(EntryError) in
            let file = try JSONFields(json, name: "the file")
            var names: [String: String] = [:]
            for group in try file.optionalArray("groups") ?? [] {
                let fields = try JSONFields(group, path: "groups[].", name: "a group")
                names[try fields.string("id")] = try fields.string("name")
            }
            return (
                try file.int("schemaVersion"), try file.optionalArray("services") ?? [],
                try file.optionalString("servicesEncrypted"), names
            )
        }
        guard schemas.contains(schema) else {
            throw .unsupportedVersion(.twofas, version: String(schema))
        }
        var services = plainServices
        if let encrypted, !encrypted.isEmpty {
            guard let password else { throw .passwordRequired(.twofas) }
            let plain = try decrypt(encrypted, password: password)
            guard case .array(let decrypted) = try JSONReader.parse(Data(plain), as: .twofas) else {
                throw .malformed(.twofas, reason: "the decrypted services are not a JSON array")
            }
            services = decrypted
        }
        var collector = ImportCollector(format: .twofas)
        for service in services {
            let fields = service.objectValue.map { JSONFields(trusted: $0) }
            let otp = fields?.value("otp")?.objectValue.map { JSONFields(trusted: $0) }
            let label = TokenDraft.label(
                issuer: fields?.value("name")?.stringValue, account: otp?.value("account")?.stringValue)
            try collector.entry(label: label) { () throws(EntryError) in
                try token(service, schema: schema, groupNames: groupNames)
            }
        }
        return collector.result
    }

    static func decrypt(_ field: String, password: String) throws(ImportError) -> [UInt8] {
        let parts = field.split(separator: ":", omittingEmptySubsequences: false).map { ByteEncoding.base64(String($0)) }
        guard parts.count == 3, let sealed = parts[0], let salt = parts[1], let iv = parts[2], iv.count == 12 else {
            throw .malformed(.twofas, reason: "servicesEncrypted is not ciphertext:salt:iv in Base64")
        }
        let key = try KeyDerivation.pbkdf2(
            password: password, salt: salt, iterations: iterations, sha256: true, format: .twofas)
        guard let plain = AESGCM.open(combined: sealed, nonce: iv, key: key) else {
            throw .wrongPassword(.twofas)
        }
        return plain
    }

    private static func token(
        _ service: JSONValue, schema: Int, groupNames: [String: String]
    ) throws(EntryError) -> OTPToken {
        let fields = try JSONFields(service, name: "service")
        let otp = try fields.optionalObject("otp") ?? JSONFields(trusted: [:], path: "otp.")
        var kind = OTPKind.totp
        if schema >= 3 {
            kind = try TokenDraft.kind(named: otp.optionalString("tokenType") ?? "TOTP", field: "otp.tokenType")
        }
        var draft = TokenDraft(kind: kind, secret: try TokenDraft.secret(base32: fields.string("secret"), field: "secret"))
        let name = try fields.optionalString("name") ?? ""
        let otpIssuer = try otp.optionalString("issuer") ?? ""
        draft.issuer = name.isEmpty ? otpIssuer : name
        if let account = try otp.optionalString("account") {
            draft.account = account
        } else if let label = try otp.optionalString("label") {
            draft.account = TokenDraft.splitLabel(label).account
        }
        draft.algorithm = try TokenDraft.algorithm(named: otp.optionalString("algorithm") ?? "SHA1", field: "otp.algorithm")
        draft.digits = try otp.optionalInt("digits")
        draft.period = try otp.optionalInt("period")
        if kind == .hotp { draft.counter = try otp.optionalCounter("counter") ?? 0 }
        if let group = try fields.optionalString("groupId"), let tag = groupNames[group] {
            draft.tags = [tag]
        }
        return draft.build()
    }
}
