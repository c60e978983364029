import ArgumentParser
import TwofoldOTP
import TwofoldVault

/// `twofold add`: adds a token from a Key URI, from fields, or from a QR code image.
struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a token from an otpauth:// URI, from its fields, or from a QR code image.",
        discussion: """
            Examples: twofold add --issuer GitHub --account alice --secret JBSWY3DPEHPK3PXP; \
            twofold add --qr screenshot.png. A QR code (PNG or JPEG) may hold an otpauth:// URI or a \
            Google Authenticator otpauth-migration:// batch, whose tokens are added together (those \
            already in the vault are skipped); with --json, --qr prints an array of the added tokens.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var unlock: UnlockOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "An otpauth:// URI (quote it for the shell).")
    var uri: String?

    @Option(help: ArgumentHelp("Read the token(s) from the QR code in IMAGE (PNG or JPEG; - for standard input).", valueName: "IMAGE"))
    var qr: String?

    @Option(help: "Who issued the token.") var issuer: String?
    @Option(help: "The account name at the issuer.") var account: String?
    @Option(help: "The Base32 secret.") var secret: String?
    @Option(help: "totp, hotp or steam.") var type: OTPKind = .totp
    @Option(help: "SHA1, SHA256 or SHA512.") var algorithm: OTPAlgorithm = .sha1
    @Option(help: "Number of digits (6-10).") var digits: Int?
    @Option(help: "Time step in seconds (TOTP).") var period: Int = 30
    @Option(help: "Initial counter (HOTP).") var counter: UInt64 = 0
    @Option(help: "A label; repeat for several.") var tag: [String] = []
    @Option(help: "A note.") var note: String = ""

    func validate() throws {
        let sources = [uri != nil, secret != nil, qr != nil].filter { $0 }.count
        if sources > 1 {
            throw ValidationError("give one of an otpauth:// URI, --secret or --qr, not several")
        }
        if sources == 0 {
            throw ValidationError("give an otpauth:// URI, --secret (with --issuer and --account) or --qr IMAGE")
        }
        if qr == "-" && unlock.passphraseStdin {
            throw ValidationError("the image cannot come from standard input together with --passphrase-stdin")
        }
    }

    func run() throws {
        if let qr { return try addFromQRCode(qr) }
        var token: OTPToken
        if let uri {
            token = try KeyURI.parse(uri)
        } else {
            token = OTPToken(
                kind: type, secret: try Base32.decode(secret ?? ""), issuer: issuer ?? "", account: account ?? "",
                algorithm: algorithm, digits: digits, period: period, counter: counter)
        }
        if uri != nil {
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

extension OTPKind: ExpressibleByArgument {}

extension OTPAlgorithm: ExpressibleByArgument {
    public init?(argument: String) { self.init(lenient: argument) }
}
