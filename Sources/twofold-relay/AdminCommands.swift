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
        @Option(help: "How many accounts it may create.") var uses: Int64 = 1
        @Option(help: "How long it works: 30m, 24h, 7d...") var expires: String = "7d"

        func run() async throws {
            guard uses >= 1 else { throw ValidationError("--uses must be at least 1") }
            guard let seconds = RelayAdmin.parseDuration(expires) else {
                throw ValidationError("--expires must be a duration such as 30m, 24h or 7d")
            }
            let invite = try await store.withAdmin { try await $0.createInvite(uses: uses, expiresInSeconds: seconds) }
            print(invite.token)
            FileHandle.standardError.write(Data("invite \(invite.id): \(uses) use(s), expires in \(expires)\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List usable invites (never their tokens).")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            print(try await store.withAdmin { try await $0.listInvites() })
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an invite by the ID invite list shows.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The invite's 12-digit ID.") var id: String

        func run() async throws {
            guard try await store.withAdmin({ try await $0.revokeInvite(id: id) }) else {
                throw fail("no invite has the ID \(id.prefix(40)): see twofold-relay invite list")
            }
            print("revoked invite \(id)")
        }
    }
}

/// `twofold-relay accounts list|delete`.
struct Accounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List or delete accounts.", subcommands: [List.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every account: id, devices, records, bytes, last seen.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            print(try await store.withAdmin { try await $0.listAccounts() })
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an account and everything stored for it.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The account id (32 hex digits).") var id: String

        func run() async throws {
            let deleted: Bool
            do {
                deleted = try await store.withAdmin { try await $0.deleteAccount(id: id) }
            } catch let error as ConfigurationError {
                throw fail(error.description)
            }
            guard deleted else { throw fail("no account \(id.prefix(40)): see twofold-relay accounts list") }
            print("deleted account \(id)")
        }
    }
}

/// `twofold-relay rotate-secret`.
struct RotateSecret: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-secret",
        abstract: "Replace the auth secret: every device signs in again once the relay (every replica) restarts.")
    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await store.withAdmin { try await $0.rotateSecret() }
        print("auth secret replaced: restart the relay (every replica, on PostgreSQL)")
    }
}
