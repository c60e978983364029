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
            --time-source relay computes the codes for the relay's time (see 'twofold code --help').
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var unlock: UnlockOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Compute the codes for this Unix time.", valueName: "UNIX_SECONDS"))
    var at: Int64?

    @OptionGroup var timeSource: TimeSourceOptions
    @OptionGroup var relayOptions: RelayOptions

    func run() throws {
        try CodeClock.check(at: at, source: timeSource.timeSource)
        let vault = try unlock.openVault(global)
        let listing = try vault.tokens()
        Warnings.report(damaged: listing.damaged)
        let time = try CodeClock.unixTime(at: at, source: timeSource.timeSource, home: global.vaultHome, relay: relayOptions.trust)
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
            print("No tokens yet: add one with 'twofold add'.")
            return
        }
        // Group by issuer (sorted case-insensitively by the vault), the way people scan.
        var rows: [[String]] = []
        var previousIssuer: String?
        for e in listing.entries {
            let issuer = e.token.issuer.isEmpty ? "(no issuer)" : e.token.issuer
            let shownIssuer = issuer == previousIssuer ? "" : issuer
            previousIssuer = issuer
            if e.token.kind == .hotp {
                rows.append([shownIssuer, e.token.account, "(hotp)", "twofold code \(e.id.hex.prefix(8))"])
            } else {
                let code = CodeFormat.grouped(e.token.code(atUnixTime: time))
                rows.append([shownIssuer, e.token.account, code, "\(e.token.secondsRemaining(atUnixTime: time)) s"])
            }
        }
        TextTable.print(rows)
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
