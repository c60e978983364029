import ArgumentParser
import Foundation
import TwofoldOTP
import TwofoldVault

/// `twofold codes`: every current code, grouped by issuer.
struct CodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes",
        abstract: "Print every current code with the seconds it stays valid.",
        discussion: """
            HOTP tokens are listed without a code: use 'twofold code' so the counter advances. \
            --time-source relay computes the codes for the relay's time (see 'twofold code --help'). \
            --watch redraws the codes in place every second at a terminal, with the seconds left \
            and, in a code's last 5 seconds, the next code, until Ctrl-C.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var unlock: UnlockOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Compute the codes for this Unix time.", valueName: "UNIX_SECONDS"))
    var at: Int64?

    @OptionGroup var timeSource: TimeSourceOptions
    @OptionGroup var relayOptions: RelayOptions
    @OptionGroup var filterOptions: TokenFilterOptions

    @Flag(name: .long, help: "Redraw the codes every second at a terminal until Ctrl-C.")
    var watch = false

    func run() throws {
        try CodeClock.check(at: at, source: timeSource.timeSource)
        let vault = try unlock.openVault(global)
        let all = try vault.tokens()
        Warnings.report(damaged: all.damaged)
        let filter = filterOptions.filter
        var listing = all
        listing.entries = all.entries.filter(filter.includes)
        if watch {
            guard !output.json, at == nil else { throw CLIError.usage("--watch shows the codes as time passes: drop --json and --at") }
            guard isatty(STDOUT_FILENO) == 1 else { throw CLIError.usage("--watch redraws a terminal: run it at one, or drop --watch") }
            // The clock's offset is read once (a relay time source asks the relay once).
            let offset = try CodeClock.unixTime(at: nil, source: timeSource.timeSource, home: global.vaultHome, relay: relayOptions.trust.withHomeDefault(global.vaultHome))
                - Int64(Date().timeIntervalSince1970)
            CodesWatch.run(entries: listing.entries, offset: offset)
        }
        let time = try CodeClock.unixTime(at: at, source: timeSource.timeSource, home: global.vaultHome, relay: relayOptions.trust.withHomeDefault(global.vaultHome))
        if output.json {
            try JSONOutput.print(listing.entries.map { e -> [String: Any] in
                let hotp = e.token.kind == .hotp
                return [
                    "id": e.id.hex, "issuer": e.token.issuer, "account": e.token.account, "type": e.token.kind.rawValue,
                    "code": hotp ? NSNull() : e.token.code(atUnixTime: time),
                    "valid_for": hotp ? NSNull() : e.token.secondsRemaining(atUnixTime: time),
                ]
            })
            return
        }
        if listing.entries.isEmpty {
            print(filter.isActive && !all.entries.isEmpty ? filter.nothingMatches : "No tokens yet: add one with 'twofold add'.")
            return
        }
        TextTable.print(Self.rows(listing.entries, time: time, showNext: false))
    }

    /// The table: grouped by issuer (sorted case-insensitively by the vault), the way
    /// people scan; with `showNext`, a code in its last 5 seconds shows the next one too.
    static func rows(_ entries: [TokenEntry], time: Int64, showNext: Bool) -> [[String]] {
        var rows: [[String]] = []
        var previousIssuer: String?
        for e in entries {
            let issuer = e.token.issuer.isEmpty ? "(no issuer)" : e.token.issuer
            let shownIssuer = issuer == previousIssuer ? "" : issuer
            previousIssuer = issuer
            if e.token.kind == .hotp {
                rows.append([shownIssuer, e.token.account, "(hotp)", "twofold code \(e.id.hex.prefix(8))"])
            } else {
                let code = CodeFormat.grouped(e.token.code(atUnixTime: time))
                let left = e.token.secondsRemaining(atUnixTime: time)
                var cells = [shownIssuer, e.token.account, code, "\(left) s"]
                if showNext && left <= 5 { cells.append("next " + CodeFormat.grouped(e.token.code(atUnixTime: time + Int64(left)))) }
                rows.append(cells)
            }
        }
        return rows
    }
}

/// Splits codes into groups of three (or two halves) for reading aloud or typing.
enum CodeFormat {
    static func grouped(_ code: String) -> String {
        let chars = Array(code)
        guard chars.count >= 6 else { return code }
        let size = chars.count % 3 == 0 ? 3 : (chars.count + 1) / 2
        var out = ""
        for (i, c) in chars.enumerated() {
            if i > 0 && i % size == 0 { out.append(" ") }
            out.append(c)
        }
        return out
    }
}
