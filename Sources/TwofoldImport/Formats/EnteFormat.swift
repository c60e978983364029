import Foundation
import TwofoldOTP

/// Ente Auth's plain text export: one `otpauth://` URI per line, each with an extra
/// `codeDisplay` parameter holding URL-encoded JSON
/// (`{"pinned":false,"trashed":false,"lastUsedAt":0,"tapCount":0,"tags":[],"note":"…"}`).
///
/// The URI is parsed by TwofoldOTP (which ignores unknown parameters); `tags` and
/// `note` from `codeDisplay` are kept, the usage counters and pinning are not. Trashed
/// entries are imported like the others: dropping them silently could lose a token
/// the person still needs, and deleting one after import is easy.
///
/// Ente's encrypted export (Argon2id + XChaCha20-Poly1305 secretstream) is refused with
/// a message asking for the plain export.
enum EnteFormat {
    static func read(_ data: Data) throws(ImportError) -> ImportResult {
        let text = try TextInput.text(data, as: .ente)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
            throw .unsupportedEncryption(
                .ente, detail: "Ente's encrypted export; in Ente Auth choose Export codes › Plain text")
        }
        var collector = ImportCollector(format: .ente)
        for line in TextInput.meaningfulLines(text) {
            let label = OTPAuthListFormat.uriLabel(line.text)
            try collector.entry(line: line.number, label: label) { () throws(EntryError) in
                var token = try OTPAuthListFormat.parse(line.text)
                if let display = OTPAuthListFormat.queryValue("codeDisplay", in: line.text) {
                    let fields = try codeDisplay(display)
                    token.tags = try fields.strings("tags")
                    token.note = try fields.optionalString("note") ?? ""
                }
                return token
            }
        }
        return collector.result
    }

    /// Parses the `codeDisplay` JSON, bounded like every other JSON we read.
    private static func codeDisplay(_ json: String) throws(EntryError) -> JSONFields {
        let data = Data(json.utf8)
        do {
            try JSONReader.checkDepth(data)
        } catch {
            throw EntryError("parameter 'codeDisplay': \(error.description)")
        }
        guard let value = JSONReader.value(data) else {
            throw .invalid("codeDisplay", "is not valid JSON")
        }
        return try JSONFields(value, path: "codeDisplay.", name: "codeDisplay")
    }
}
