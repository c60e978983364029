import ArgumentParser
import Foundation
import TwofoldOTP
import TwofoldVault

/// `twofold code QUERY`: one token's current code.
struct CodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code",
        abstract: "Print one token's code (the code alone on the first line).",
        discussion: """
            QUERY is a token id, or part of 'issuer:account' (case-insensitive). For HOTP \
            tokens each call uses the next counter and records it, so no code is given twice. \
            --time-source relay computes TOTP codes for the relay's time (this clock plus the \
            offset measured now, or the last one kept when the relay is away); a clock more \
            than 5 s off is warned about on stderr.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var unlock: UnlockOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "Token id, or part of issuer:account.")
    var query: String

    @Option(help: ArgumentHelp("Compute the TOTP/Steam code for this Unix time.", valueName: "UNIX_SECONDS"))
    var at: Int64?

    @OptionGroup var timeOptions: TimeSourceOptions
    @OptionGroup var relayOptions: RelayOptions

    @Flag(help: "Also copy the code to the clipboard, cleared when it expires.")
    var copy = false

    func run() throws {
        try CodeClock.check(at: at, source: timeOptions.timeSource)
        let vault = try unlock.openVault(global)
        let entry = try vault.find(query)
        let code: String
        var validFor: Int?
        if entry.token.kind == .hotp {
            if at != nil { throw CLIError.usage("--at applies to TOTP and Steam tokens only") }
            code = try DaemonClient.useHOTP(vault: vault, home: global.vaultHome, id: entry.id)
        } else {
            let time = try CodeClock.unixTime(at: at, source: timeOptions.timeSource, home: global.vaultHome, relayOptions: relayOptions)
            code = entry.token.code(atUnixTime: time)
            validFor = entry.token.secondsRemaining(atUnixTime: time)
        }
        if output.json {
            try JSONOutput.print(["id": entry.id.hex, "code": code, "valid_for": validFor.map { $0 as Any } ?? NSNull()])
        } else {
            print(code)
        }
        if copy {
            try Clipboard.copy(code, clearAfter: validFor ?? 30)
        }
    }
}
