/// A failure reported by a command itself: one line and an exit status.
/// `CustomStringConvertible` so that a module which only sees `any Error` (a passphrase
/// provider's failure inside `Vault.open`) still shows the message, never
/// `CLIError(message: …)` (README, "Errors").
struct CLIError: Error, CustomStringConvertible {
    /// What is wrong and what to do, in one line.
    var message: String
    /// 1 for errors, 2 for usage errors.
    var status: Int32 = 1

    init(_ message: String, status: Int32 = 1) {
        self.message = message
        self.status = status
    }

    var description: String { message }

    /// A usage error (exit status 2).
    static func usage(_ message: String) -> CLIError { CLIError(message, status: 2) }
}
