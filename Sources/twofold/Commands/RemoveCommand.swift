import ArgumentParser
import Foundation
import TwofoldVault

/// `twofold remove QUERY`: deletes a token (a tombstone that syncs like an edit).
struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Delete a token.",
        discussion: "Make sure the account has another way in first: a deleted token's codes are gone.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var unlock: UnlockOptions

    @Argument(help: "Token id, or part of issuer:account.", completion: TokenCompletion.kind) var query: String

    @Flag(name: .long, help: "Do not ask for confirmation at a terminal.") var yes = false

    func run() throws {
        let vault = try unlock.openVault(global)
        let entry = try vault.find(query)
        try Confirmation.ask("Remove \(entry.token.label) (id \(entry.id.hex.prefix(8)))? Its codes are gone for good.", yes: yes,
                             refused: "nothing was removed (answered no); --yes removes without asking")
        try vault.remove(id: entry.id)
        print("Removed \(entry.token.label) (id \(entry.id.hex)).")
    }
}
