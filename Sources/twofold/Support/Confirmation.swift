import Foundation

/// "Are you sure?" before a command destroys something (issue 20: `remove` and `devices
/// revoke` acted at once). Asked only when standard input is a terminal and `--yes` was
/// not given; scripts (standard input not a terminal) go ahead as before, so existing
/// pipelines keep working.
enum Confirmation {
    /// Returns when the user agreed (or nobody can be asked); otherwise throws `refused`.
    static func ask(_ question: String, yes: Bool, refused: String) throws {
        guard !yes, isatty(STDIN_FILENO) == 1 else { return }
        FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
        let answer = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard answer == "y" || answer == "yes" else { throw CLIError(refused) }
    }
}
