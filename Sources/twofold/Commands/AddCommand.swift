import ArgumentParser
import Foundation
import TwofoldOTP
import TwofoldVault

/// `twofold add`: adds a token from a Key URI, from fields, or from a QR code image.
struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a token from an otpauth:// URI, from its fields, or from a QR code image.",
        discussion: """
            Keep secrets out of the command line, where other users can read them in \
            /proc/PID/cmdline and they land in the shell's history: 'twofold add --issuer GitHub \
            --account alice' asks for the secret at the terminal without echo; \
            --secret-stdin reads it as the first line of standard input; 'twofold add -' reads \
            one otpauth:// URI from standard input (with --passphrase-stdin, the passphrase is \
            the next line). --secret S and a URI argument still work for throwaway tests. \
            twofold add --qr screenshot.png. A QR code (PNG or JPEG) may hold an otpauth:// URI or a \
            Google Authenticator otpauth-migration:// batch, whose tokens are added together (those \
            already in the vault are skipped); with --json, --qr prints an array of the added tokens.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var unlock: UnlockOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "An otpauth:// URI, or - to read it from standard input (safer: not in argv or history).")
    var uri: String?

    @Option(help: ArgumentHelp("Read the token(s) from the QR code in IMAGE (PNG or JPEG; - for standard input).", valueName: "IMAGE"))
    var qr: String?

    @Option(help: "Who issued the token.") var issuer: String?
    @Option(help: "The account name at the issuer.") var account: String?
    @Option(help: "The Base32 secret (visible to other users while the command runs: prefer --secret-stdin or the prompt).") var secret: String?
    @Flag(help: "Read the Base32 secret as the first line of standard input.") var secretStdin = false
    @Option(help: "totp, hotp or steam.") var type: OTPKind = .totp
    @Option(help: "SHA1, SHA256 or SHA512.") var algorithm: OTPAlgorithm = .sha1
    @Option(help: "Number of digits (6-10).") var digits: Int?
    @Option(help: "Time step in seconds (TOTP).") var period: Int = 30
    @Option(help: "Initial counter (HOTP).") var counter: UInt64 = 0
    @Option(help: "A label; repeat for several.") var tag: [String] = []
    @Option(help: "A note.") var note: String = ""

    func validate() throws {
        let sources = [uri != nil, secret != nil, secretStdin, qr != nil].filter { $0 }.count
        if sources > 1 {
            throw ValidationError("give one of an otpauth:// URI, --secret, --secret-stdin or --qr, not several")
        }
        // No source: the secret is asked for at the terminal (run()); without one, say how.
        if sources == 0 && !PassphraseReader.hasTerminal {
            throw ValidationError("give --secret-stdin (with --issuer and --account), - to read an otpauth:// URI from standard input, or --qr IMAGE")
        }
        if qr == "-" && unlock.passphraseStdin {
            throw ValidationError("the image cannot come from standard input together with --passphrase-stdin")
        }
    }

    func run() throws {
        if let qr { return try addFromQRCode(qr) }
        var token: OTPToken
        let source = try secretSource()
        if let uri = source.uri {
            token = try KeyURI.parse(uri)
        } else {
            token = OTPToken(
                kind: type, secret: try Base32.decode(source.secret ?? ""), issuer: issuer ?? "", account: account ?? "",
                algorithm: algorithm, digits: digits, period: period, counter: counter)
        }
        if source.uri != nil {
            if let issuer { token.issuer = issuer }
            if let account { token.account = account }
        }
        token.tags += tag
        if !note.isEmpty { token.note = note }
        try token.validate()
        let vault = try unlock.openVault(global)
        let entry = try vault.add(token)
        // A short secret is a warning, never a refusal (OTPToken.shortSecretWarning says why).
        let warning = token.shortSecretWarning
        if let warning { Warnings.emit(warning) }
        if output.json {
            var object = TokenJSON.object(for: entry, showSecret: false)
            if let warning { object["warnings"] = [warning] }
            try JSONOutput.print(object)
        } else {
            print("Added \(entry.token.label.isEmpty ? "token" : entry.token.label) (id \(entry.id.hex)).")
        }
    }
}

extension AddCommand {
    /// Where the token comes from: a URI or a Base32 secret, read from the argument,
    /// standard input (`-`, `--secret-stdin`: the first line, before any passphrase) or the
    /// terminal without echo. A URI typed at the secret prompt is taken as a URI.
    func secretSource() throws -> (uri: String?, secret: String?) {
        if uri == "-" {
            guard let line = Self.firstLine() else { throw CLIError("no otpauth:// URI on standard input: pipe it in as one line") }
            return (line, nil)
        }
        if let uri { return (uri, nil) }
        if let secret { return (nil, secret) }
        if secretStdin {
            guard let line = Self.firstLine() else { throw CLIError("no secret on standard input: pipe the Base32 secret in as one line") }
            return (nil, line)
        }
        let typed = try PassphraseReader.readHidden(
            prompt: "Secret (Base32, or an otpauth:// URI; not shown): ",
            noTerminal: "no terminal to ask for the secret: use --secret-stdin, or - for a URI on standard input")
            .trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else { throw CLIError("no secret was typed: nothing was added; run the command again") }
        return typed.lowercased().hasPrefix("otpauth") ? (typed, nil) : (nil, typed)
    }

    private static func firstLine() -> String? {
        guard var line = readLine(strippingNewline: true) else { return nil }
        if line.hasSuffix("\r") { line.removeLast() }
        line = line.trimmingCharacters(in: .whitespaces)
        return line.isEmpty ? nil : line
    }
}

extension OTPKind: ExpressibleByArgument {}

extension OTPAlgorithm: ExpressibleByArgument {
    public init?(argument: String) { self.init(lenient: argument) }
}
