import Foundation

extension ImportFormat {
    /// Recognises a file's format from its bytes, or nil.
    ///
    /// JSON files are told apart by their top-level fields (each app's are distinctive);
    /// text files by their first meaningful line (`otpauth-migration://` is Google,
    /// `otpauth://` is a URI list, or Ente when a `codeDisplay` parameter appears) or a
    /// CSV header with `login_totp` (Bitwarden) or KeePass's `Title` and `TOTP` columns.
    /// Binary that is not UTF-8 is taken as an
    /// encrypted andOTP backup, the one binary format read here. Files over the size
    /// limit or with hostile nesting are not recognised.
    public static func detect(_ data: Data) -> ImportFormat? {
        sniff(data)?.format
    }

    /// The detected format, and the parsed JSON for JSON formats so that the importer
    /// does not parse the file twice.
    static func sniff(_ data: Data) -> (format: ImportFormat, json: JSONValue?)? {
        guard data.count <= ImportLimits.maxFileBytes else { return nil }
        let body = TextInput.droppingBOM(data)
        if body.starts(with: AuthenticatorProFormat.encryptedMagic) { return (.authenticatorPro, nil) }
        if body.starts(with: KDBXHeader.signature) { return (.kdbx, nil) }
        guard let text = String(data: body, encoding: .utf8) else {
            return body.count >= 12 + 16 ? (.andotp, nil) : nil
        }
        let trimmed = text.drop(while: \.isWhitespace)
        if trimmed.hasPrefix("<?xml") || trimmed.hasPrefix("<KeePassFile") {
            return trimmed.prefix(4096).contains("<KeePassFile") ? (.keepassXML, nil) : nil
        }
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            guard let json = try? JSONReader.parse(body, as: .otpauth), let format = detect(json: json) else {
                return nil
            }
            return (format, json)
        }
        return detect(text: text).map { ($0, nil) }
    }

    /// Formats by their JSON shape.
    static func detect(json: JSONValue) -> ImportFormat? {
        if case .array(let entries) = json {
            // andOTP: an array of entries with a secret and a type (or an empty backup).
            let first = entries.first?.objectValue
            return first == nil || (first?["secret"] != nil && first?["type"] != nil) ? .andotp : nil
        }
        guard let fields = json.objectValue else { return nil }
        func has(_ keys: String...) -> Bool { keys.allSatisfy { fields[$0] != nil } }
        if has("header", "db") { return .aegis }
        if has("schemaVersion") && (has("services") || has("servicesEncrypted")) { return .twofas }
        if has("items") && (has("encrypted") || has("folders")) { return .bitwarden }
        if has("encrypted", "passwordProtected") { return .bitwarden }
        if has("tokens") && (has("tokenOrder") || fields["tokens"]?.arrayValue?.first?.objectValue?["issuerExt"] != nil) {
            return .freeotpPlus
        }
        if has("Authenticators") { return .authenticatorPro }
        if has("entries", "version"),
            fields["entries"]?.arrayValue?.allSatisfy({ $0.objectValue?["content"] != nil }) == true
        {
            return .proton
        }
        if has("kdfParams", "encryptedData") { return .ente }
        if has("shared_secret") || fields["accounts"]?.objectValue?.values.first?.objectValue?["shared_secret"] != nil {
            return .steam
        }
        return nil
    }

    /// Text formats by their first meaningful line.
    static func detect(text: String) -> ImportFormat? {
        let lines = TextInput.meaningfulLines(text)
        guard let first = lines.first?.text.lowercased() else { return nil }
        if first.hasPrefix("otpauth-migration://") { return .google }
        if first.hasPrefix("otpauth://") {
            return lines.contains(where: { $0.text.contains("codeDisplay=") }) ? .ente : .otpauth
        }
        if first.split(separator: ",").contains("login_totp") { return .bitwarden }
        if KeePassCSVFormat.isHeader(first) { return .keepass }
        return nil
    }
}
