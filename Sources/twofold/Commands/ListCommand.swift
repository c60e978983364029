import ArgumentParser
import Foundation
import TwofoldOTP
import TwofoldVault

/// `twofold list`: the tokens, without codes or secrets.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the tokens (secrets only with --show-secrets).",
        discussion: "For HOTP tokens, counter is the next counter a code would use.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var unlock: UnlockOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Include each token's Base32 secret.")
    var showSecrets = false
    @OptionGroup var filterOptions: TokenFilterOptions

    func run() throws {
        let vault = try unlock.openVault(global)
        let listing = try vault.tokens()
        Warnings.report(damaged: listing.damaged)
        let filter = filterOptions.filter
        var entries = listing.entries.filter(filter.includes)
        // One pass over the counter records, not one per token: a 10,000-token vault lists
        // in well under a second instead of minutes.
        let recorded = entries.contains { $0.token.kind == .hotp } ? try vault.recordedHOTPCounters() : [:]
        for i in entries.indices where entries[i].token.kind == .hotp {
            entries[i].token.counter = max(entries[i].token.counter, recorded[entries[i].id] ?? 0)
        }
        if output.json {
            try JSONOutput.print(entries.map { TokenJSON.object(for: $0, showSecret: showSecrets) })
            return
        }
        if entries.isEmpty {
            print(filter.isActive && !listing.entries.isEmpty ? filter.nothingMatches : "No tokens yet: add one with 'twofold add'.")
            return
        }
        let rows = entries.map { e -> [String] in
            let t = e.token
            let detail = t.kind == .hotp
                ? "hotp \(t.algorithm.rawValue) \(t.digits) digits, counter \(t.counter)"
                : "\(t.kind.rawValue) \(t.algorithm.rawValue) \(t.digits) digits, \(t.period) s"
            var row = [String(e.id.hex.prefix(8)), t.issuer, t.account, detail]
            if !t.tags.isEmpty { row[3] += "  [" + t.tags.joined(separator: ", ") + "]" }
            if showSecrets { row.append(Base32.encode(t.secret)) }
            return row
        }
        TextTable.print(rows)
    }
}
