import Foundation
import TwofoldOTP

/// Proton Authenticator's JSON export: `{"version": 1, "entries": [{"content": {"uri",
/// "entry_type", "name"}, "note"}]}`. Each `uri` is an `otpauth://` Key URI (or
/// `steam://SECRET` for Steam entries); `note` is kept.
///
/// Proton's password-protected export (`{"version", "salt", "content"}`, Argon2) is
/// refused with a message asking for the plain export.
enum ProtonFormat {
    static let versions = 1...1

    static func read(_ data: Data) throws(ImportError) -> ImportResult {
        try read(JSONReader.parse(data, as: .proton))
    }

    static func read(_ json: JSONValue) throws(ImportError) -> ImportResult {
        let (version, entries, isEncrypted) = try JSONFields.fileLevel(.proton) { () throws(EntryError) in
            let file = try JSONFields(json, name: "the file")
            return (try file.int("version"), try file.optionalArray("entries"), file.has("salt") || file.has("content"))
        }
        if entries == nil, isEncrypted {
            throw .unsupportedEncryption(
                .proton, detail: "a password-protected Proton export; export again without a password")
        }
        guard versions.contains(version) else {
            throw .unsupportedVersion(.proton, version: String(version))
        }
        guard let entries else { throw .malformed(.proton, reason: "field 'entries' is missing") }
        var collector = ImportCollector(format: .proton)
        for entry in entries {
            let content = entry.objectValue?["content"]?.objectValue
            let uri = content?["uri"]?.stringValue
            let label = uri.flatMap(OTPAuthListFormat.uriLabel) ?? content?["name"]?.stringValue
            try collector.entry(label: label) { () throws(EntryError) in try token(entry) }
        }
        return collector.result
    }

    private static func token(_ entry: JSONValue) throws(EntryError) -> OTPToken {
        let fields = try JSONFields(entry)
        let content = try fields.object("content")
        let uri = try content.string("uri")
        var token: OTPToken
        if uri.lowercased().hasPrefix("steam://") {
            let secret = try TokenDraft.secret(base32: String(uri.dropFirst("steam://".count)), field: "content.uri")
            token = TokenDraft(kind: .steam, secret: secret, issuer: "Steam",
                               account: try content.optionalString("name") ?? "").build()
        } else {
            token = try OTPAuthListFormat.parse(uri)
        }
        token.note = try fields.optionalString("note") ?? ""
        return token
    }
}
