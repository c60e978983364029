import Foundation

/// Reads passphrases without echo from the terminal, or as lines from standard input
/// with `--passphrase-stdin` (DESIGN.md, "The daemon and the CLI").
enum PassphraseReader {
    /// Longest passphrase accepted; Argon2id hashes any length, this only bounds memory.
    static let maximumLength = 4096

    /// One passphrase: the next line of standard input, or typed at the terminal.
    static func read(prompt: String, fromStandardInput: Bool) throws -> String {
        if fromStandardInput {
            guard var line = readLine(strippingNewline: true) else {
                throw CLIError("no passphrase on standard input: pipe it in as one line")
            }
            if line.hasSuffix("\r") { line.removeLast() }
            guard line.utf8.count <= maximumLength else { throw CLIError("the passphrase is longer than \(maximumLength) bytes") }
            return line
        }
        return try readFromTerminal(prompt: prompt)
    }

    /// A new passphrase, typed twice at a terminal (once from standard input).
    static func readNew(prompt: String, fromStandardInput: Bool) throws -> String {
        let first = try read(prompt: prompt, fromStandardInput: fromStandardInput)
        guard !first.isEmpty else { throw CLIError("the passphrase is empty: type one, or use --no-passphrase") }
        if fromStandardInput { return first }
        let second = try readFromTerminal(prompt: "Repeat it: ")
        guard first == second else { throw CLIError("the two passphrases differ: nothing was changed; try again") }
        return first
    }

    private static func readFromTerminal(prompt: String) throws -> String {
        let fd = Foundation.open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            throw CLIError("no terminal to read the passphrase from: use --passphrase-stdin")
        }
        defer { close(fd) }
        _ = prompt.withCString { Foundation.write(fd, $0, strlen($0)) }
        var saved = termios()
        let haveTermios = tcgetattr(fd, &saved) == 0
        if haveTermios {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ECHONL)
            tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer { if haveTermios { tcsetattr(fd, TCSAFLUSH, &saved) } }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while Foundation.read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") {
            if bytes.count >= maximumLength { throw CLIError("the passphrase is longer than \(maximumLength) bytes") }
            bytes.append(byte)
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CLIError("the passphrase is not valid UTF-8")
        }
        return text
    }
}
