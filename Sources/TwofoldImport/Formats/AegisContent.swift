import Foundation
import TwofoldOTP

/// The content of an Aegis vault (`db`, decrypted): `{"version", "entries", "groups"}`
/// (Aegis docs/vault.md, "Vault content").
///
/// Content versions: 1 (no groups), 2 (a `group` name per entry), 3 (`groups`: UUIDs
/// of the groups in `db.groups`). Groups become tags. A v3 group UUID that `db.groups`
/// does not define is ignored (the token is kept; only the tag is lost).
enum AegisContent {
    /// Content versions this reader knows.
    static let versions = 1...3

    static func read(_ json: JSONValue) throws(ImportError) -> ImportResult {
        let (version, entries, groupNames) = try JSONFields.fileLevel(.aegis) { () throws(EntryError) in
            let db = try JSONFields(json, path: "db.", name: "db")
            var names: [String: String] = [:]
            for group in try db.optionalArray("groups") ?? [] {
                let fields = try JSONFields(group, path: "db.groups[].", name: "a group")
                names[try fields.string("uuid").lowercased()] = try fields.string("name")
            }
            return (try db.int("version"), try db.array("entries"), names)
        }
        guard versions.contains(version) else {
            throw .unsupportedVersion(.aegis, version: "content \(version)")
        }
        var collector = ImportCollector(format: .aegis)
        for entry in entries {
            let fields = entry.objectValue.map { JSONFields(trusted: $0) }
            let label = TokenDraft.label(
                issuer: fields?.value("issuer")?.stringValue, account: fields?.value("name")?.stringValue)
            try collector.entry(label: label) { () throws(EntryError) in
                try token(entry, version: version, groupNames: groupNames)
            }
        }
        return collector.result
    }

    private static func token(
        _ entry: JSONValue, version: Int, groupNames: [String: String]
    ) throws(EntryError) -> OTPToken {
        let fields = try JSONFields(entry)
        let kind = try TokenDraft.kind(named: fields.string("type"), field: "type")
        let info = try fields.object("info")
        var draft = TokenDraft(kind: kind, secret: try TokenDraft.secret(
            base32: info.string("secret"), field: "info.secret"))
        draft.issuer = try fields.optionalString("issuer") ?? ""
        draft.account = try fields.optionalString("name") ?? ""
        draft.note = try fields.optionalString("note") ?? ""
        draft.algorithm = try TokenDraft.algorithm(named: info.optionalString("algo") ?? "SHA1", field: "info.algo")
        draft.digits = try info.optionalInt("digits")
        if kind == .hotp {
            draft.counter = try info.counter("counter")
        } else {
            draft.period = try info.optionalInt("period")
        }
        switch version {
        case 2:
            if let group = try fields.optionalString("group"), !group.isEmpty { draft.tags = [group] }
        case 3:
            draft.tags = try fields.strings("groups").compactMap { groupNames[$0.lowercased()] }
        default:
            break
        }
        return draft.build()
    }
}

extension JSONFields {
    /// Wraps an object already known to be one (for best-effort labels and defaults).
    init(trusted fields: [String: JSONValue], path: String = "") {
        self.fields = fields
        self.path = path
    }
}
