import ArgumentParser

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

    @Argument(help: "Token id, or part of issuer:account.", completion: TokenCompletion.kind)
    var query: String

    @Option(name: .long, help: ArgumentHelp("Only tokens with this tag count; repeat for several (all must match).", valueName: "TAG"))
    var tag: [String] = []

    @Option(help: ArgumentHelp("Compute the TOTP/Steam code for this Unix time.", valueName: "UNIX_SECONDS"))
    var at: Int64?

    @OptionGroup var timeOptions: TimeSourceOptions
    @OptionGroup var relayOptions: RelayOptions

    @Flag(help: "Also copy the code to the clipboard, cleared when it expires.")
    var copy = false

    /// The parsed command line as plain values.
    var invocation: CodeInvocation {
        CodeInvocation(home: global.home, passphraseStdin: unlock.passphraseStdin, json: output.json, query: query, tags: tag,
                       at: at, timeSource: timeOptions.timeSource, relay: relayOptions.trust, copy: copy)
    }

    func run() throws { try invocation.run() }
}
