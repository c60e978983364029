import Foundation

/// Passwords of import and export files (not the vault's passphrase): one line of
/// standard input with `--password-stdin`, else typed without echo at the terminal.
///
/// When a command takes both `--password-stdin` and `--passphrase-stdin`, the file's
/// password is the first line and the vault's passphrase the second: the file is read
/// (or the export prepared) before the vault is opened.
enum FilePassword {
    /// The next line of standard input.
    static func readLine() throws -> String {
        guard var line = Swift.readLine(strippingNewline: true) else {
            throw CLIError("no password on standard input: pipe the file's password in as the first line")
        }
        if line.hasSuffix("\r") { line.removeLast() }
        guard line.utf8.count <= PassphraseReader.maximumLength else {
            throw CLIError("the password is longer than \(PassphraseReader.maximumLength) bytes")
        }
        return line
    }

    /// Asks at the terminal for the password that opens `file`.
    static func ask(opening file: String, formatName: String) throws -> String {
        try requireTerminal("the \(formatName) file is encrypted: give its password with --password-stdin")
        return try PassphraseReader.read(prompt: "Password for \(file): ", fromStandardInput: false)
    }

    /// Asks twice at the terminal for a new password that will encrypt an export.
    static func askNew() throws -> String {
        try requireTerminal("an encrypted export needs a password: give it with --password-stdin")
        let first = try PassphraseReader.read(prompt: "Password for the export: ", fromStandardInput: false)
        guard !first.isEmpty else { throw CLIError("the password is empty: type one; nothing was written") }
        let second = try PassphraseReader.read(prompt: "Repeat it: ", fromStandardInput: false)
        guard first == second else { throw CLIError("the two passwords differ: nothing was written; try again") }
        return first
    }

    /// Refuses with `message` (and why) when there is no terminal to ask on.
    private static func requireTerminal(_ message: String) throws {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError("\(message) (there is no terminal to ask on)") }
        close(fd)
    }
}
