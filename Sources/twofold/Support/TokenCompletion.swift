import ArgumentParser
import Foundation
import TwofoldVault

/// Shell completion of a token QUERY (`code`, `edit`, `remove`, `list`, `codes`): the
/// `issuer:account` labels and ids that start with what is typed.
///
/// Labels are sealed in the vault, so completion reads them only when that needs no
/// passphrase: a `--no-passphrase` home, or a running daemon that holds the key
/// (`twofold unlock`). A locked vault completes nothing rather than prompt inside the
/// shell, and completion never prints a secret or a code.
enum TokenCompletion {
    /// The completion kind for a QUERY argument.
    static let kind = CompletionKind.custom { words, _, prefix in candidates(words: words, prefix: prefix) }

    /// Labels, then ids, that start with `prefix` (case-insensitive).
    static func candidates(words: [String], prefix: String) -> [String] {
        guard let vault = openWithoutPrompt(home: VaultHome.resolve(explicit: home(in: words))),
              let listing = try? vault.tokens() else { return [] }
        let wanted = prefix.lowercased()
        var labels: [String] = [], ids: [String] = []
        for entry in listing.entries {
            let label = entry.token.account.isEmpty ? entry.token.issuer : "\(entry.token.issuer):\(entry.token.account)"
            if label.lowercased().hasPrefix(wanted) { labels.append(label) }
            let id = String(entry.id.hex.prefix(8))
            if !wanted.isEmpty, id.hasPrefix(wanted) { ids.append(id) }
        }
        return Array(Set(labels)).sorted() + ids.sorted()
    }

    /// `--home DIR` or `--home=DIR` among the words typed so far.
    static func home(in words: [String]) -> String? {
        for (index, word) in words.enumerated() {
            if word == "--home", index + 1 < words.count { return words[index + 1] }
            if word.hasPrefix("--home=") { return String(word.dropFirst("--home=".count)) }
        }
        return nil
    }

    /// The vault, when it opens without asking anyone anything.
    static func openWithoutPrompt(home: VaultHome) -> Vault? {
        guard home.hasVault else { return nil }
        if let vault = DaemonClient.openVault(home: home) { return vault }
        struct NeedsPassphrase: Error {}
        return try? Vault.open(home: home) { throw NeedsPassphrase() }
    }
}
