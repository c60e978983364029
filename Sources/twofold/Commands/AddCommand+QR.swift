import ArgumentParser
import Foundation
import TwofoldImport
import TwofoldOTP
import TwofoldQR
import TwofoldVault

extension AddCommand {
    /// `add --qr IMAGE`: every token in the image's QR code(s), added in one transaction.
    func addFromQRCode(_ path: String) throws {
        var tokens = try Self.tokens(inQRImage: path)
        if tokens.count > 1 && (issuer != nil || account != nil) {
            throw CLIError.usage("--issuer and --account name one token, but the QR code holds \(tokens.count)")
        }
        for index in tokens.indices {
            if let issuer { tokens[index].issuer = issuer }
            if let account { tokens[index].account = account }
            tokens[index].tags += tag
            if !note.isEmpty { tokens[index].note = note }
            try tokens[index].validate()
        }
        let vault = try unlock.openVault(global)
        // One token behaves as `add URI` (a duplicate is an error); a Google batch skips the
        // tokens already in the vault, as `import` does.
        let added: [TokenEntry]
        var skipped = 0
        if tokens.count == 1 {
            added = [try vault.add(tokens[0])]
        } else {
            let result = try vault.add(tokens, skipDuplicates: true)
            added = result.added
            skipped = result.duplicates.count
        }
        for entry in added {
            if let warning = entry.token.shortSecretWarning { Warnings.emit("\(entry.token.label): \(warning)") }
        }
        if output.json {
            try JSONOutput.print(added.map { TokenJSON.object(for: $0, showSecret: false) })
        } else if tokens.count == 1, let entry = added.first {
            print("Added \(entry.token.label.isEmpty ? "token" : entry.token.label) (id \(entry.id.hex)).")
        } else {
            print("Added \(added.count) tokens from the QR code; \(skipped) already in the vault were skipped.")
            for entry in added { print("  \(entry.token.label) (id \(entry.id.hex))") }
        }
    }

    /// The tokens of every otpauth:// or otpauth-migration:// QR code in the image. Any
    /// entry of a migration batch that cannot be read refuses the whole image.
    static func tokens(inQRImage path: String) throws -> [OTPToken] {
        let data = try InputFile.read(path, limit: QRDecoder.maxFileBytes) { bytes in
            guard let bytes else {
                return CLIError("the image on standard input is larger than \(QRDecoder.maxFileBytes) bytes: crop it or take a smaller screenshot")
            }
            return QRError.fileTooLarge(bytes: bytes, limit: QRDecoder.maxFileBytes)
        }
        let texts = try QRDecoder.decode(data)
        var tokens: [OTPToken] = []
        var failures: [ImportFailure] = []
        for text in texts {
            let scheme = text.prefix(24).lowercased()
            if scheme.hasPrefix("otpauth-migration://") {
                let batch = try Importer.read(Data(text.utf8), format: .google)
                tokens += batch.tokens.map(\.token)
                failures += batch.failures
            } else if scheme.hasPrefix("otpauth://") {
                tokens.append(try KeyURI.parse(text))
            }
        }
        if !failures.isEmpty {
            for failure in failures { FileHandle.standardError.write(Data("twofold: \(failure)\n".utf8)) }
            throw CLIError("nothing was added: \(failures.count) of the QR code's tokens cannot be read (listed above)")
        }
        guard !tokens.isEmpty else {
            let shown = String(texts[0].unicodeScalars.prefix(40).map { $0.properties.isWhitespace || $0.value < 0x20 ? " " : Character($0) })
            throw CLIError("the QR code holds '\(shown)…', not an otpauth:// or otpauth-migration:// URI: scan the code a site shows for authenticator apps")
        }
        return tokens
    }
}
