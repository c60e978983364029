import Foundation
import TwofoldOTP
import TwofoldProtocol

/// A token in the vault: its record id, current version and contents.
public struct TokenEntry: Sendable, Hashable {
    /// The token record's id; the `id` shown by `twofold list`.
    public var id: RecordID
    /// The version currently stored.
    public var version: RecordVersion
    /// The token.
    public var token: OTPToken

    /// Creates an entry.
    public init(id: RecordID, version: RecordVersion, token: OTPToken) {
        self.id = id
        self.version = version
        self.token = token
    }

    /// `issuer:account`, the text a query is matched against.
    public var matchText: String { "\(token.issuer):\(token.account)" }
}

/// The tokens of a vault, and the records that could not be opened (never used, but
/// reported so a person knows something is wrong).
public struct TokenListing: Sendable {
    /// Readable tokens, sorted by issuer then account, case-insensitively.
    public var entries: [TokenEntry]
    /// Records that failed authentication or decoding.
    public var damaged: [VaultError]
}

/// Finds the one token a person means (README, "Choosing a token").
///
/// A query matches an id exactly (32 hex digits), or is a case-insensitive substring of
/// `issuer:account`. When several tokens contain it but exactly one's `issuer:account`
/// (or issuer alone) equals it, that one is meant; otherwise it is ambiguous. A query
/// that matches no label but is the start (8+ hex digits) of exactly one id names that
/// token, so the short ids `list` and `codes` print work too.
extension TokenEntry {
    /// Whether `token` carries every tag of `tags` (case-insensitive); true for none.
    public static func hasTags(_ token: OTPToken, _ tags: [String]) -> Bool {
        guard !tags.isEmpty else { return true }
        let have = Set(token.tags.map { $0.lowercased() })
        return tags.allSatisfy { have.contains($0.lowercased()) }
    }
}

public enum TokenQuery {
    /// The single entry `query` names.
    public static func resolve(_ query: String, in entries: [TokenEntry]) throws(VaultError) -> TokenEntry {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .noMatch(query: query) }
        if let id = try? RecordID(hex: trimmed.lowercased()), let entry = entries.first(where: { $0.id == id }) {
            return entry
        }
        let needle = trimmed.lowercased()
        let matches = entries.filter { $0.matchText.lowercased().contains(needle) }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty {
            let prefix = trimmed.lowercased()
            if prefix.count >= 8, prefix.allSatisfy(\.isHexDigit) {
                let byID = entries.filter { $0.id.hex.hasPrefix(prefix) }
                if byID.count == 1 { return byID[0] }
            }
            throw .noMatch(query: query)
        }
        let exact = matches.filter {
            $0.matchText.lowercased() == needle || $0.token.issuer.lowercased() == needle && $0.token.account.isEmpty
        }
        if exact.count == 1 { return exact[0] }
        throw .ambiguous(query: query, candidates: matches.map { "\($0.token.label) [\($0.id.hex.prefix(8))]" })
    }
}
