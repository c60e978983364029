import Foundation
import TwofoldProtocol

/// Reads the 24 recovery words: typed at the terminal without echo, or lines of standard
/// input until 24 words are in (after any passphrase line the command read first). Shared
/// by `restore` and `recovery-key verify`.
enum RecoveryWordsReader {
    static func read(fromStandardInput: Bool) throws -> String {
        guard fromStandardInput else {
            return try PassphraseReader.read(prompt: "Recovery key (24 words): ", fromStandardInput: false)
        }
        var words: [Substring] = []
        var text = ""
        while words.count < RecoveryKey.wordCount, let line = readLine(strippingNewline: true) {
            guard text.utf8.count < 4096 else { break }
            text += " " + line
            words = text.split(whereSeparator: { $0.isWhitespace })
        }
        guard !words.isEmpty else { throw CLIError("no recovery words on standard input: pipe in the 24 words") }
        return text
    }
}
