import Foundation
import TwofoldVault

/// Warnings that do not stop a command, one line each on stderr.
enum Warnings {
    static func report(damaged: [VaultError]) {
        for error in damaged { emit(error.description) }
    }

    static func emit(_ message: String) {
        FileHandle.standardError.write(Data("twofold: warning: \(message)\n".utf8))
    }

    /// Information that is not a problem, one line on stderr (so standard output stays the result).
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("twofold: note: \(message)\n".utf8))
    }
}
