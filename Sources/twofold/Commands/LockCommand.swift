import ArgumentParser
import TwofoldDaemon

/// `twofold lock`: makes the running daemon forget the vault's unlock key at once
/// (Protocol/daemon.md, "Unlocking"). It keeps syncing ciphertext while locked.
struct LockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Make the running daemon forget the vault key (it keeps syncing, locked).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let home = global.vaultHome
        let client = try DaemonClient.require(home: home)
        _ = try client.call(ControlRequest(op: "lock"))
        if output.json {
            try JSONOutput.print(["locked": true])
        } else {
            print("Locked: the daemon no longer holds the vault key.")
        }
    }
}
