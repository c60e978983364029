import ArgumentParser
import Foundation
import TwofoldImport
import TwofoldOTP
import TwofoldQR
import TwofoldVault

/// `twofold export`: every token in another app's format, so no one is locked in.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export every token (secrets included) to standard output, a file or QR codes.",
        discussion: """
            Formats: otpauth (one otpauth:// URI per line; tags and notes are not carried), aegis \
            (an Aegis vault, carrying everything; --encrypt protects it with a password exactly as \
            Aegis does), google (Google Authenticator otpauth-migration:// URIs, 10 tokens each; \
            only 6 or 8 digits, 30-second periods, no Steam). --qr draws each URI as a QR code for \
            a phone to scan. Files are written with mode 0600. An unencrypted export holds every \
            secret in plain text: at a terminal you are asked to type yes; scripts pass --yes. With \
            --password-stdin and --passphrase-stdin, the export's password is the first line of \
            standard input and the vault's passphrase the second.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var unlock: UnlockOptions

    @Option(help: "Output format: otpauth, aegis or google.")
    var format: ExportFormat

    @Flag(help: "Encrypt the export with a password (aegis only), as Aegis does.")
    var encrypt = false

    @Flag(name: .long, help: "Read the export's password as one line from standard input.")
    var passwordStdin = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    @Flag(help: "Draw each URI as a QR code in the terminal (otpauth, google).")
    var qr = false

    @Flag(name: .long, help: "Leave out the tokens the format cannot hold, and list them, instead of refusing.")
    var skipUnsupported = false

    @Flag(help: "Export unencrypted without asking (for scripts).")
    var yes = false

    @Option(name: .customLong("steam-as"), help: ArgumentHelp(
        "How otpauth writes Steam tokens: type (otpauth://steam/, read by Aegis, 2FAS, Ente) or encoder (otpauth://totp/…&encoder=steam, read by KeePassXC).",
        valueName: "FORM"))
    var steamAs: SteamURIForm = .type

    func validate() throws {
        if encrypt && format != .aegis {
            throw ValidationError("--encrypt works only with --format aegis: the other formats cannot be encrypted")
        }
        if passwordStdin && !encrypt { throw ValidationError("--password-stdin needs --encrypt") }
        if qr && format == .aegis { throw ValidationError("--qr draws otpauth or google URIs: use --format otpauth or google") }
        if qr && output != nil { throw ValidationError("--qr draws to the terminal: drop --output") }
        if steamAs != .type && format != .otpauth {
            throw ValidationError("--steam-as works only with --format otpauth: aegis has its own Steam type and google has none")
        }
    }

    func run() throws {
        let interactive = isatty(STDIN_FILENO) == 1
        if !encrypt && !yes && !interactive {
            throw CLIError("an unencrypted export holds every secret in plain text: pass --yes to confirm it (or export with --format aegis --encrypt)")
        }
        var password: String?
        if encrypt {
            password = passwordStdin ? try FilePassword.readLine() : try FilePassword.askNew()
            if password?.isEmpty == true { throw CLIError("the password is empty: give one; nothing was written") }
        }

        let vault = try unlock.openVault(global)
        let listing = try vault.tokens()
        if !listing.damaged.isEmpty {
            throw CLIError("\(listing.damaged.count) damaged record(s) cannot be exported: \(listing.damaged[0].description)")
        }
        var tokens: [OTPToken] = []
        for entry in listing.entries {
            var token = entry.token
            // The next counter to use, so the other app never repeats a spent code.
            if token.kind == .hotp { token.counter = try vault.peekHOTPCounter(id: entry.id) }
            tokens.append(token)
        }
        let result = try export(tokens, password: password)
        for omission in result.omitted { Warnings.emit("left out \(omission)") }
        if !encrypt && !yes { try confirm(count: result.exportedCount) }

        if qr {
            let left = Set(result.omitted.map(\.index))
            let labels = tokens.indices.filter { !left.contains($0) }.map { tokens[$0].label }
            try drawQRCodes(result.data, labels: labels, interactive: interactive)
        } else if let output {
            try SecureFile.write(result.data, to: output)
            let how = encrypt ? ", encrypted" : ""
            FileHandle.standardError.write(Data("Exported \(result.exportedCount) tokens to \(output) (\(format.rawValue)\(how)).\n".utf8))
        } else {
            FileHandle.standardOutput.write(result.data)
        }
    }

    /// The export's bytes; a refusal to leave tokens out names the flag that allows it.
    private func export(_ tokens: [OTPToken], password: String?) throws -> ExportResult {
        do {
            return try Exporter.write(
                tokens, format: format, password: password, allowOmissions: skipUnsupported, steam: steamAs)
        } catch {
            guard case .exportOmissions(let omitted) = error, let first = omitted.first else { throw error }
            throw CLIError("\(omitted.count) token(s) cannot be exported as \(format.rawValue) (\(first)): choose another format, or pass --skip-unsupported to export the others")
        }
    }

    /// Asks to type yes before secrets leave the vault in plain text.
    private func confirm(count: Int) throws {
        let destination = qr ? "QR codes on the screen" : output.map { "the file \($0)" } ?? "standard output"
        let prompt = "The export writes the secrets of \(count) token(s) in plain text to \(destination): anyone who sees it can make your codes. Type yes to continue: "
        FileHandle.standardError.write(Data(prompt.utf8))
        guard readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
            throw CLIError("export cancelled: nothing was written")
        }
    }

    /// One QR code per URI line, titled, in white on black when drawing to a terminal so
    /// that the code reads the same whatever the terminal's colours.
    private func drawQRCodes(_ data: Data, labels: [String], interactive: Bool) throws {
        let uris = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        let colour = isatty(STDOUT_FILENO) == 1
        for (index, uri) in uris.enumerated() {
            let lines = try QRRenderer.render(uri)
            let title = format == .google
                ? "Google Authenticator batch \(index + 1) of \(uris.count)"
                : "\(index + 1) of \(uris.count): \(index < labels.count ? labels[index] : "token")"
            print(title)
            for line in lines { print(colour ? "\u{1B}[97;40m\(line)\u{1B}[0m" : line) }
            if interactive && colour && index < uris.count - 1 {
                FileHandle.standardError.write(Data("Press Enter for the next code.".utf8))
                _ = readLine()
            }
        }
    }
}
