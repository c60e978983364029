import ArgumentParser
import Foundation

/// Entry point: parses, runs, and maps every failure to one line on stderr with exit
/// status 1 (2 for usage errors), never a stack trace (README, "Errors").
@main
enum Main {
    static func main() {
        // Everything this process creates is private to the user (DESIGN.md, "Local at rest").
        umask(0o077)
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            if let code = QuickCodeArguments.parse(arguments) {
                // The fast path for `code` (its type says why); anything else goes to ArgumentParser.
                try code.run()
            } else {
                var command = try TwofoldCommand.parseAsRoot()
                try command.run()
            }
            BackupHolderRefresh.afterSuccess()
            // The daemon, if one runs, syncs what this command may have changed (< 1 ms otherwise).
            DaemonClient.nudge(arguments: arguments)
        } catch let error as CLIError {
            fail(error.message, status: error.status)
        } catch let error as any UserFacingError {
            fail(error.description, status: 1)
        } catch {
            let code = TwofoldCommand.exitCode(for: error)
            if code == .success {
                // --help, --version: print what ArgumentParser would and exit 0.
                TwofoldCommand.exit(withError: error)
            }
            if code == .validationFailure {
                let message = TwofoldCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
                fail("\(message.prefix(1).lowercased())\(message.dropFirst()) (see '\(helpCommand(for: arguments))')", status: 2)
            }
            fail(TwofoldCommand.message(for: error), status: 1)
        }
    }

    /// The help of the (sub)command the arguments name, such as `twofold relay set --help`:
    /// a usage error points at the options of the command that was typed.
    static func helpCommand(for arguments: [String]) -> String {
        var path = ["twofold"]
        var command: any ParsableCommand.Type = TwofoldCommand.self
        // Not stopping at the first other word: `--home DIR` may come before the subcommand.
        for argument in arguments where !argument.hasPrefix("-") {
            guard let next = command.configuration.subcommands.first(where: { $0._commandName == argument }) else { continue }
            path.append(argument)
            command = next
        }
        return path.joined(separator: " ") + " --help"
    }

    private static func fail(_ message: String, status: Int32) -> Never {
        // Close the vault before exit, as returning from the command would: its store then
        // checkpoints and removes its -wal and -shm files, and a refused command leaves the
        // home as it was.
        BackupHolderRefresh.opened = nil
        let line = message.replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("twofold: \(line)\n".utf8))
        exit(status)
    }
}
