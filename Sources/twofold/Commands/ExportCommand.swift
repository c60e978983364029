import ArgumentParser
import Foundation
import TwofoldOTP
import TwofoldVault

/// `twofold export`: every token in another app's format, so no one is locked in.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export every token (secrets included) to standard output or a file.",
        discussion: "Files are written with mode 0600. Anyone who reads the export can make your codes.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case otpauth
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var unlock: UnlockOptions

    @Option(help: "Output format: otpauth (one otpauth:// URI per line).")
    var format: Format

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    func run() throws {
        let vault = try unlock.openVault(global)
        let listing = try vault.tokens()
        if !listing.damaged.isEmpty {
            throw CLIError("\(listing.damaged.count) damaged record(s) cannot be exported: \(listing.damaged[0].description)")
        }
        var text = ""
        for entry in listing.entries {
            var token = entry.token
            if token.kind == .hotp { token.counter = try vault.peekHOTPCounter(id: entry.id) }
            text += KeyURI.format(token) + "\n"
        }
        if let output {
            try SecureFile.write(Data(text.utf8), to: output)
            FileHandle.standardError.write(Data("Exported \(listing.entries.count) tokens to \(output).\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
