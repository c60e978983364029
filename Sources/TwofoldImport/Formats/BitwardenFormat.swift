import Foundation
import TwofoldOTP

/// Bitwarden's unencrypted exports, JSON and CSV.
///
/// JSON: `{"encrypted": false, "items": [{"name", "login": {"username", "totp"}}]}`.
/// CSV: a header row naming the columns; `login_totp`, `name`, `login_username` are read.
/// Only items with a TOTP field are entries; logins without one are passwords, not
/// tokens, and are not counted. The TOTP field holds an `otpauth://` URI, a
/// `steam://SECRET` (issuer "Steam"), or a bare Base32 secret (Bitwarden's default,
/// TOTP SHA1/6/30). For the last two the account is the login's username, or the
/// item's name when there is none, so the token can still be told apart.
///
/// Password-protected and account-encrypted JSON exports are refused.
enum BitwardenFormat {
    static func read(_ data: Data) throws(ImportError) -> ImportResult {
        let body = TextInput.droppingBOM(data)
        let first = body.first(where: { !Character(UnicodeScalar($0)).isWhitespace })
        if first == UInt8(ascii: "{") {
            return try readJSON(JSONReader.parse(body, as: .bitwarden))
        }
        return try readCSV(TextInput.text(body, as: .bitwarden))
    }

    static func readJSON(_ json: JSONValue) throws(ImportError) -> ImportResult {
        let (encrypted, items) = try JSONFields.fileLevel(.bitwarden) { () throws(EntryError) in
            let file = try JSONFields(json, name: "the file")
            return (try file.bool("encrypted") ?? false, try file.optionalArray("items"))
        }
        if encrypted {
            throw .unsupportedEncryption(
                .bitwarden, detail: "an encrypted Bitwarden export; export as unencrypted .json or .csv instead")
        }
        guard let items else { throw .malformed(.bitwarden, reason: "field 'items' is missing") }
        var collector = ImportCollector(format: .bitwarden)
        for item in items {
            let fields = item.objectValue.map { JSONFields(trusted: $0) }
            let login = fields?.value("login")?.objectValue.map { JSONFields(trusted: $0) }
            // An item is an entry when it has a TOTP field at all; one of the wrong type
            // is a failure, not a skip.
            guard let totp = login?.value("totp") else { continue }
            let name = fields?.value("name")?.stringValue ?? ""
            let username = login?.value("username")?.stringValue ?? ""
            try collector.entry(label: name) { () throws(EntryError) in
                guard case .string(let text) = totp else {
                    throw .wrongType("login.totp", expected: "a string", found: totp)
                }
                return try token(text, itemName: name, username: username)
            }
        }
        return collector.result
    }

    static func readCSV(_ text: String) throws(ImportError) -> ImportResult {
        let records: [CSVReader.Record]
        do {
            records = try CSVReader.records(text)
        } catch {
            throw .malformed(.bitwarden, reason: "a quoted field starting on line \(error.line) is never closed")
        }
        guard let header = records.first, let totpColumn = header.fields.firstIndex(of: "login_totp") else {
            throw .malformed(.bitwarden, reason: "not JSON, and no CSV header with a login_totp column")
        }
        let nameColumn = header.fields.firstIndex(of: "name")
        let userColumn = header.fields.firstIndex(of: "login_username")
        var collector = ImportCollector(format: .bitwarden)
        for record in records.dropFirst() {
            func column(_ index: Int?) -> String {
                guard let index, index < record.fields.count else { return "" }
                return record.fields[index]
            }
            let totp = column(totpColumn).trimmingCharacters(in: .whitespaces)
            if totp.isEmpty { continue }
            let name = column(nameColumn)
            try collector.entry(line: record.line, label: name) { () throws(EntryError) in
                try token(totp, itemName: name, username: column(userColumn))
            }
        }
        return collector.result
    }

    /// The TOTP field of one item as a token.
    static func token(_ totp: String, itemName: String, username: String) throws(EntryError) -> OTPToken {
        let text = totp.trimmingCharacters(in: .whitespaces)
        let account = username.isEmpty ? itemName : username
        if text.lowercased().hasPrefix("otpauth://") {
            return try OTPAuthListFormat.parse(text)
        }
        if text.lowercased().hasPrefix("steam://") {
            let secret = try TokenDraft.secret(base32: String(text.dropFirst("steam://".count)), field: "totp")
            return TokenDraft(kind: .steam, secret: secret, issuer: "Steam", account: account).build()
        }
        let secret = try TokenDraft.secret(base32: text, field: "totp")
        return TokenDraft(kind: .totp, secret: secret, issuer: itemName, account: username).build()
    }
}
