import ArgumentParser
import Foundation
import TwofoldRelay

/// `twofold-relay invite create|list|revoke`.
struct Invite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage invites (for --registration invite).", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make an invite and print its token (shown once).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: AdminOutput
        @Option(help: "How many accounts it may create.") var uses: Int64 = 1
        @Option(help: "How long it works: 30m, 24h, 7d...") var expires: String = "7d"
        @Option(help: "A name for the person it is for (reception-anna); accounts list shows it on the accounts it creates.")
        var label: String?

        func run() async throws {
            guard uses >= 1 else { throw ValidationError("--uses must be at least 1") }
            guard let seconds = RelayAdmin.parseDuration(expires) else {
                throw ValidationError("--expires must be a duration such as 30m, 24h or 7d")
            }
            if let label, let problem = RelayAdmin.labelProblem(label) { throw ValidationError("--label \(problem)") }
            let invite = try await store.withAdmin { try await $0.createInvite(uses: uses, expiresInSeconds: seconds, label: label) }
            if output.json {
                output.print(.obj(["token": .string(invite.token), "id": .string(invite.id), "uses": .int(uses),
                                   "expires_in_s": .int(seconds), "label": label.map(JSONValue.string) ?? .null]))
                return
            }
            print(invite.token)
            let named = label.map { " for \($0)" } ?? ""
            FileHandle.standardError.write(Data("invite \(invite.id)\(named): \(uses) use(s), expires in \(expires)\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List usable invites (never their tokens).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: AdminOutput

        func run() async throws {
            let invites = try await store.withAdmin { try await $0.invites() }
            output.json ? output.print(RelayAdmin.inviteJSON(invites)) : print(RelayAdmin.inviteTable(invites))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an invite by the ID invite list shows.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: AdminOutput
        @Argument(help: "The invite's 12-digit ID.") var id: String

        func run() async throws {
            guard try await store.withAdmin({ try await $0.revokeInvite(id: id) }) else {
                throw fail("no invite has the ID \(id.prefix(40)): see twofold-relay invite list")
            }
            output.json ? output.print(.obj(["revoked": .string(id)])) : print("revoked invite \(id)")
        }
    }
}

/// `twofold-relay accounts list|delete|disable|enable`.
struct Accounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, suspend or delete accounts.", subcommands: [List.self, Disable.self, Enable.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every account: id, label, created, last seen, devices, records, bytes, state.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: AdminOutput

        func run() async throws {
            let accounts = try await store.withAdmin { try await $0.accounts() }
            output.json ? output.print(RelayAdmin.accountJSON(accounts)) : print(RelayAdmin.accountTable(accounts))
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend an account: its devices get account_disabled until enable; nothing is deleted.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: AdminOutput
        @Argument(help: "The account id (32 hex digits).") var id: String
        @Flag(help: "Do not ask (needed when not at a terminal).") var yes = false

        func run() async throws {
            try await setDisabled(true, id: id, yes: yes, store: store, output: output)
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a suspended account sync again.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: AdminOutput
        @Argument(help: "The account id (32 hex digits).") var id: String

        func run() async throws {
            try await setDisabled(false, id: id, yes: true, store: store, output: output)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an account and everything stored for it.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: AdminOutput
        @Argument(help: "The account id (32 hex digits).") var id: String
        @Flag(help: "Do not ask (needed when not at a terminal).") var yes = false

        func run() async throws {
            let summary = try await store.withAdmin { try await $0.account(id: id) }
            guard let summary else { throw fail("no account \(id.prefix(40)): see twofold-relay accounts list") }
            try confirm("Delete account \(describe(summary)) and every record and snapshot stored for it? "
                        + "Its devices keep their local tokens but can never sync again.",
                        yes: yes, command: "accounts delete")
            let deleted = try await store.withAdmin { try await $0.deleteAccount(id: id) }
            guard deleted else { throw fail("no account \(id.prefix(40)): see twofold-relay accounts list") }
            output.json ? output.print(.obj(["deleted": .string(id)])) : print("deleted account \(id)")
        }
    }

    /// Shared by `disable` and `enable`.
    static func setDisabled(_ disabled: Bool, id: String, yes: Bool, store: StoreOptions, output: AdminOutput) async throws {
        let summary = try await store.withAdmin { try await $0.account(id: id) }
        guard let summary else { throw fail("no account \(id.prefix(40)): see twofold-relay accounts list") }
        if disabled {
            try confirm("Suspend account \(describe(summary))? Its devices stop syncing until accounts enable.",
                        yes: yes, command: "accounts disable")
        }
        guard try await store.withAdmin({ try await $0.setDisabled(id: id, disabled) }) else {
            throw fail("no account \(id.prefix(40)): see twofold-relay accounts list")
        }
        if output.json {
            output.print(.obj(["account": .string(id), "disabled": .bool(disabled)]))
        } else {
            print(disabled ? "suspended account \(id): its devices get account_disabled until accounts enable"
                           : "enabled account \(id)")
        }
    }

    /// The id and, when it has one, the label.
    static func describe(_ summary: AccountSummary) -> String {
        summary.accountID.hex + (summary.label.map { " (\($0))" } ?? "")
    }
}

/// `twofold-relay rotate-secret`.
struct RotateSecret: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-secret",
        abstract: "Replace the auth secret: every device signs in again once the relay (every replica) restarts.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: AdminOutput

    func run() async throws {
        try await store.withAdmin { try await $0.rotateSecret() }
        if output.json {
            output.print(.obj(["rotated": .bool(true), "restart_needed": .bool(true)]))
        } else {
            print("auth secret replaced: restart the relay (every replica, on PostgreSQL)")
        }
    }
}

/// Asks `question` at a terminal and goes on only on "yes"; without a terminal, only with
/// `--yes`. A change an admin cannot undo never happens because a script ran it blind.
func confirm(_ question: String, yes: Bool, command: String) throws {
    if yes { return }
    guard isatty(STDIN_FILENO) == 1 else {
        throw fail("\(command) changes what devices can do and standard input is not a terminal: run it at a terminal to confirm, or add --yes")
    }
    FileHandle.standardError.write(Data("\(question) Type yes to go on: ".utf8))
    guard let answer = readLine(strippingNewline: true), answer.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
        throw fail("not confirmed: nothing was changed")
    }
}
