import Foundation
import TwofoldProtocol

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

    /// A new passphrase, typed twice at a terminal (once from standard input). At a
    /// terminal a mistyped repeat asks again (three rounds), and a weak local passphrase
    /// (``PassphraseStrength/localWarningBits``) is warned about and must be confirmed;
    /// from standard input the warning goes to stderr and the passphrase is taken.
    static func readNew(prompt: String, fromStandardInput: Bool, warnIfWeak: Bool = true) throws -> String {
        for round in 1...3 {
            let first = try read(prompt: prompt, fromStandardInput: fromStandardInput)
            guard !first.isEmpty else { throw CLIError("the passphrase is empty: type one, or use --no-passphrase") }
            let strength = PassphraseStrength(first)
            let weak = warnIfWeak && strength.bits < PassphraseStrength.localWarningBits
            if fromStandardInput {
                if weak { Warnings.emit("the passphrase is weak (\(strength.weakness)): anyone who copies this device's vault file could guess it; 'twofold passphrase change' sets a better one") }
                return first
            }
            if weak {
                let answer = try readFromTerminal(prompt: "This passphrase is weak (\(strength.weakness)); anyone who copies the vault file could guess it. Use it anyway? [y/N] ")
                guard answer.lowercased().hasPrefix("y") else { continue }
            }
            let second = try readFromTerminal(prompt: "Repeat it: ")
            if first == second { return first }
            if round < 3 { writeToTerminal("The two passphrases differ; type it again.\n") }
        }
        throw CLIError("no passphrase was settled on in three tries: nothing was changed; run the command again")
    }

    private static func writeToTerminal(_ text: String) {
        let fd = Foundation.open("/dev/tty", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = text.withCString { Foundation.write(fd, $0, strlen($0)) }
        close(fd)
    }

    private static func readFromTerminal(prompt: String) throws -> String {
        try readHidden(prompt: prompt, noTerminal: "no terminal to read the passphrase from: use --passphrase-stdin")
    }

    /// Whether a terminal can be opened to ask (the process has a controlling terminal).
    static var hasTerminal: Bool {
        let fd = Foundation.open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// One line typed at the terminal without echo (a passphrase, a token's secret);
    /// `noTerminal` is the error when there is none.
    static func readHidden(prompt: String, noTerminal: String) throws -> String {
        let fd = Foundation.open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError(noTerminal) }
        defer { close(fd) }
        var saved = termios()
        let haveTermios = tcgetattr(fd, &saved) == 0
        if haveTermios {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ECHONL)
            tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer { if haveTermios { tcsetattr(fd, TCSAFLUSH, &saved) } }
        // The prompt only once echo is off: what is typed as soon as it shows is never echoed.
        _ = prompt.withCString { Foundation.write(fd, $0, strlen($0)) }
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
