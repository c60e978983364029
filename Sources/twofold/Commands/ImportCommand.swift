import ArgumentParser
import Foundation
import TwofoldImport
import TwofoldOTP
import TwofoldVault

/// `twofold import FILE`: every token of another app's export, all or nothing.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import the tokens of another authenticator app's export file.",
        discussion: """
            Formats: otpauth, google, aegis, andotp, 2fas, bitwarden, freeotp-plus, ente, proton, \
            authenticator-pro, steam, keepass, keepass-xml, kdbx; --format auto (the default) recognises the file. \
            If any entry cannot be read, nothing is imported and every failing entry is listed; \
            --skip-invalid imports the others. Tokens already in the vault (same secret, type and \
            parameters) are skipped and counted. With --password-stdin and --passphrase-stdin, \
            the file's password is the first line of standard input and the vault's passphrase \
            the second.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var unlock: UnlockOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("The file's format, or auto to recognise it.", valueName: "FORMAT"))
    var format = ImportFormatArgument(format: nil)

    @Argument(help: ArgumentHelp("The export file, or - for standard input.", valueName: "FILE"))
    var file: String

    @Flag(name: .long, help: "Read the file's password as one line from standard input.")
    var passwordStdin = false

    @Flag(name: .long, help: "Import the entries that can be read and list the others.")
    var skipInvalid = false

    @Flag(name: .long, help: "Report what would be imported; change nothing.")
    var dryRun = false

    func validate() throws {
        if file == "-" && (passwordStdin || unlock.passphraseStdin) {
            throw ValidationError("the file cannot come from standard input together with --password-stdin or --passphrase-stdin")
        }
    }

    func run() throws {
        var report: ImportReport?
        do {
            try runImport(&report)
        } catch {
            // --json prints its document on every refusal, even one before the file was
            // read (README, "Import and export"); the error line still goes to stderr.
            if output.json {
                let named = format.format ?? (error as? ImportError)?.format
                var refused = report ?? ImportReport(format: named, failures: [], dryRun: dryRun)
                refused.added = 0
                refused.warnings = []  // nothing was imported: a short secret is moot
                refused.error = Self.message(for: error)
                try? refused.print(json: true, source: file)
            }
            throw error
        }
    }

    /// The one line Main would print for `error`, for the JSON document.
    static func message(for error: any Error) -> String {
        if let error = error as? CLIError { return error.message }
        if let error = error as? any UserFacingError { return error.description }
        return TwofoldCommand.message(for: error)
    }

    private func runImport(_ reportOut: inout ImportReport?) throws {
        let home = global.vaultHome
        // Say so before asking for any password when there is no vault to import into.
        guard home.hasVault else { throw VaultError.notInitialized(home: home.path) }
        let result = try readFile()
        var report = ImportReport(format: result.format, failures: result.failures, dryRun: dryRun)
        report.withoutToken = result.withoutToken
        report.warnings = result.tokens.compactMap { imported in
            imported.token.shortSecretWarning.map { (imported.entry, $0) }
        }
        reportOut = report

        // Duplicates inside the file are skipped like those already in the vault.
        var seen = DuplicateIndex([])
        var unique: [OTPToken] = []
        for imported in result.tokens {
            if seen.contains(imported.token) {
                report.duplicates += 1
            } else {
                seen.insert(imported.token)
                unique.append(imported.token)
            }
        }

        reportOut = report
        if !report.failures.isEmpty && !skipInvalid {
            try refuse(report, readable: result.tokens.count)
        }
        let vault = try unlock.openVault(global)
        if dryRun {
            let listing = try vault.tokens()
            Warnings.report(damaged: listing.damaged)
            let existing = DuplicateIndex(listing.entries.map(\.token))
            let fresh = unique.filter { !existing.contains($0) }
            report.added = fresh.count
            report.duplicates += unique.count - fresh.count
        } else if !unique.isEmpty {
            let added = try vault.add(unique, skipDuplicates: true)
            report.added = added.added.count
            report.duplicates += added.duplicates.count
        }
        try report.print(json: output.json, source: file)
    }

    /// The file's tokens, asking for its password when it turns out to be encrypted.
    private func readFile() throws -> ImportResult {
        var password: String?
        if passwordStdin { password = try FilePassword.readLine() }
        let name = file == "-" ? "standard input" : file
        let data = try InputFile.read(file, limit: ImportLimits.maxFileBytes) { bytes in
            guard let bytes else {
                return CLIError("\(name) holds more than \(ImportLimits.maxFileBytes) bytes: this is not an authenticator export")
            }
            return ImportError.tooLarge(bytes: bytes, limit: ImportLimits.maxFileBytes)
        }
        do {
            return try Importer.read(data, format: format.format, password: password)
        } catch {
            guard case .passwordRequired(let detected) = error, password == nil else { throw error }
            let typed = try FilePassword.ask(opening: name, formatName: detected.displayName)
            return try Importer.read(data, format: format.format, password: typed)
        }
    }

    /// Lists every failing entry on stderr (with --json, `run` prints the summary), then stops.
    private func refuse(_ report: ImportReport, readable: Int) throws -> Never {
        if !output.json {
            for failure in report.failures {
                FileHandle.standardError.write(Data("twofold: \(failure)\n".utf8))
            }
        }
        let count = report.failures.count
        let rest = readable == 0 ? "" : ", or pass --skip-invalid to import the other \(readable)"
        throw CLIError("nothing was imported: \(count) \(count == 1 ? "entry" : "entries") of the file cannot be read\(output.json ? "" : " (listed above)"): fix \(count == 1 ? "it" : "them") in the other app and export again\(rest)")
    }
}
