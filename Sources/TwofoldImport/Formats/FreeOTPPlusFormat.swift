import Foundation
import TwofoldOTP

/// FreeOTP+ JSON backups: `{"tokenOrder": [...], "tokens": [...]}`.
///
/// Each token has `type` (TOTP, HOTP), `algo`, `digits`, `period`, `counter`,
/// `issuerExt` (shown issuer; `issuerInt` is the original), `label` (account) and
/// `secret` as an array of Java signed bytes (-128…127). FreeOTP stores the HOTP counter
/// of the last code it showed, and shows `counter + 1` next, so the imported counter,
/// the next one to use, is the file's plus one.
enum FreeOTPPlusFormat {
    static func read(_ data: Data) throws(ImportError) -> ImportResult {
        try read(JSONReader.parse(data, as: .freeotpPlus))
    }

    static func read(_ json: JSONValue) throws(ImportError) -> ImportResult {
        let tokens = try JSONFields.fileLevel(.freeotpPlus) { () throws(EntryError) in
            try JSONFields(json, name: "the file").array("tokens")
        }
        var collector = ImportCollector(format: .freeotpPlus)
        for entry in tokens {
            let fields = entry.objectValue.map { JSONFields(trusted: $0) }
            let label = TokenDraft.label(
                issuer: fields?.value("issuerExt")?.stringValue, account: fields?.value("label")?.stringValue)
            try collector.entry(label: label) { () throws(EntryError) in try token(entry) }
        }
        return collector.result
    }

    private static func token(_ entry: JSONValue) throws(EntryError) -> OTPToken {
        let fields = try JSONFields(entry)
        let kind: OTPKind
        switch try fields.string("type").uppercased() {
        case "TOTP": kind = .totp
        case "HOTP": kind = .hotp
        case let other: throw .invalid("type", "has unknown token type '\(other)'")
        }
        var secret: [UInt8] = []
        for element in try fields.array("secret") {
            guard case .integer(let value) = element, (-128...127).contains(value) else {
                throw .invalid("secret", "must be an array of bytes from -128 to 127")
            }
            secret.append(UInt8(bitPattern: Int8(value)))
        }
        var draft = TokenDraft(kind: kind, secret: secret)
        let internalIssuer = try fields.optionalString("issuerInt")
        draft.issuer = try fields.optionalString("issuerExt") ?? internalIssuer ?? ""
        draft.account = try fields.optionalString("label") ?? ""
        draft.algorithm = try TokenDraft.algorithm(named: fields.optionalString("algo") ?? "SHA1", field: "algo")
        draft.digits = try fields.optionalInt("digits")
        if kind == .hotp {
            let stored = try fields.counter("counter")
            guard stored < UInt64.max else { throw .invalid("counter", "is at its maximum; no code is left") }
            draft.counter = stored + 1
        } else {
            draft.period = try fields.optionalInt("period")
        }
        return draft.build()
    }
}
