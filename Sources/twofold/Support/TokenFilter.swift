import ArgumentParser
import TwofoldVault

/// `list QUERY --tag T` and `codes QUERY --tag T` (issue 20): which tokens to show. A
/// query is a case-insensitive part of `issuer:account` or the start of the id (as
/// `list` prints it); every `--tag` must be on the token (case-insensitive). Unlike
/// `code QUERY`, no match is not an error: the listing is simply empty.
struct TokenFilter: Equatable {
    var query: String?
    var tags: [String] = []

    /// Whether `entry` is shown.
    func includes(_ entry: TokenEntry) -> Bool {
        if let query, !query.isEmpty {
            let needle = query.lowercased()
            let label = "\(entry.token.issuer):\(entry.token.account)".lowercased()
            guard label.contains(needle) || entry.id.hex.hasPrefix(needle) else { return false }
        }
        return TokenEntry.hasTags(entry.token, tags)
    }

    /// Whether anything narrows the listing.
    var isActive: Bool { !(query ?? "").isEmpty || !tags.isEmpty }

    /// What to say when nothing is left.
    var nothingMatches: String {
        var parts: [String] = []
        if let query, !query.isEmpty { parts.append("'\(query)'") }
        if !tags.isEmpty { parts.append("tag " + tags.joined(separator: " and ")) }
        return "No token matches \(parts.joined(separator: " with ")): 'twofold list' shows them all."
    }
}

/// The options that make a ``TokenFilter``.
struct TokenFilterOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Show only tokens whose issuer:account contains this (or whose id starts with it).", valueName: "QUERY"),
              completion: TokenCompletion.kind)
    var query: String?

    @Option(name: .long, help: ArgumentHelp("Show only tokens with this tag; repeat for several (all must match).", valueName: "TAG"))
    var tag: [String] = []

    var filter: TokenFilter { TokenFilter(query: query, tags: tag) }
}
