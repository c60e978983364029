import Foundation
import TwofoldOTP

/// The entries of a KeePass 2 XML document (`<KeePassFile><Root><Group>…`), shared by
/// the XML export (``KeePassXMLFormat``) and KDBX databases (``KDBXFormat``), whose
/// payload is the same XML with protected values already decrypted.
///
/// Every entry of every group is read, in document order, except those in the recycle
/// bin (`Meta/RecycleBinUUID`) and old versions under an entry's `History`. An entry
/// with no `otp` string and no legacy `TOTP Seed` holds only a password: it is skipped and
/// counted in ``ImportResult/withoutToken``, not a failure. Title and UserName name the
/// issuer and account where the URI has none; Notes becomes the note, Tags the tags.
enum KeePassEntries {
    static func read(_ root: XMLElement, format: ImportFormat) throws(ImportError) -> ImportResult {
        guard root.name == "KeePassFile" else {
            throw .malformed(format, reason: "the root element is <\(root.name)>, not <KeePassFile>")
        }
        guard let top = root.child("Root") else { throw .malformed(format, reason: "there is no <Root> element") }
        var recycleBin = root.child("Meta")?.child("RecycleBinUUID")?.text ?? ""
        if recycleBin.allSatisfy({ $0 == "A" || $0 == "=" }) { recycleBin = "" }
        var collector = ImportCollector(format: format)
        var withoutToken = 0
        var pending = top.children("Group").reversed().map { $0 }
        // An explicit stack: group nesting comes from the file (the XML reader bounds it).
        var order: [XMLElement] = []
        while let group = pending.popLast() {
            if !recycleBin.isEmpty && group.child("UUID")?.text == recycleBin { continue }
            order.append(group)
            pending += group.children("Group").reversed()
        }
        for group in order {
            for entry in group.children("Entry") {
                let fields = strings(entry)
                let title = fields["Title"] ?? ""
                let username = fields["UserName"] ?? ""
                let label = TokenDraft.label(issuer: title, account: username)
                if (fields["otp"] ?? "").allSatisfy(\.isWhitespace) && (fields["TOTP Seed"] ?? "").allSatisfy(\.isWhitespace) {
                    withoutToken += 1
                    continue
                }
                try collector.entry(label: label) { () throws(EntryError) in
                    guard var token = try KeePassOTP.token(
                        otp: fields["otp"], seed: fields["TOTP Seed"], settings: fields["TOTP Settings"],
                        title: title, username: username)
                    else { throw EntryError("the entry holds no token") }
                    token.note = fields["Notes"] ?? ""
                    token.tags = tags(entry.child("Tags")?.text ?? "")
                    return token
                }
            }
        }
        var result = collector.result
        result.withoutToken = withoutToken
        return result
    }

    /// An entry's `<String><Key>K</Key><Value>V</Value></String>` fields.
    private static func strings(_ entry: XMLElement) -> [String: String] {
        var fields: [String: String] = [:]
        for string in entry.children("String") {
            guard let key = string.child("Key")?.text else { continue }
            fields[key] = string.child("Value")?.text ?? ""
        }
        return fields
    }

    /// KeePass separates tags with `;` (KeePassXC also accepts `,`).
    private static func tags(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == ";" || $0 == "," })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}
