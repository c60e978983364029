import ArgumentParser
import TwofoldVault

/// `twofold edit QUERY`: changes a token's labels (never its secret).
struct EditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change a token's issuer, account, note or tags.",
        discussion: "--tag replaces all tags; give --tag '' to clear them.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var unlock: UnlockOptions

    @Argument(help: "Token id, or part of issuer:account.", completion: TokenCompletion.kind) var query: String
    @Option(help: "New issuer.") var issuer: String?
    @Option(help: "New account name.") var account: String?
    @Option(help: "New note.") var note: String?
    @Option(help: "New tags; repeat for several.") var tag: [String] = []

    func validate() throws {
        if issuer == nil && account == nil && note == nil && tag.isEmpty {
            throw ValidationError("nothing to change: give --issuer, --account, --note or --tag")
        }
    }

    func run() throws {
        let vault = try unlock.openVault(global)
        let entry = try vault.find(query)
        let edited = try vault.edit(id: entry.id) { token in
            if let issuer { token.issuer = issuer }
            if let account { token.account = account }
            if let note { token.note = note }
            if !tag.isEmpty { token.tags = tag.filter { !$0.isEmpty } }
        }
        print("Updated \(edited.token.label) (id \(edited.id.hex)).")
    }
}
