import ArgumentParser
import Foundation
import TwofoldOTP
import TwofoldProtocol
import TwofoldVault

/// `twofold conflicts`: local changes a merge set aside because another device changed
/// the same field first (Protocol/sync.md, "Concurrent edits"), and settling them.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "List the edits a sync set aside, and settle them.",
        subcommands: [List.self, Resolve.self],
        defaultSubcommand: List.self)

    /// `twofold conflicts [list] [--json]`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List conflicts: for each field, this device's value and the value that won, who wrote each and when.",
            discussion: """
                --json prints an array of {id, token_id, fields: [{field, mine, theirs}], mine_device, mine_time_ms, \
                theirs_device, theirs_time_ms, found_ms, kept (mine or theirs: the side the token holds now)}; a value is null for a deleted token. Secrets are never shown: \
                the "parameters" field shows kind, algorithm, digits and period or counter.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var unlock: UnlockOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let conflicts = try unlock.openVault(global).conflicts()
            if output.json {
                try JSONOutput.print(conflicts.map { c in
                    [
                        "id": c.id, "token_id": c.tokenID.hex,
                        "fields": c.fields.map { f in
                            ["field": f.rawValue, "mine": ConflictsCommand.value(f, c.mine).map { $0 as Any } ?? NSNull(),
                             "theirs": ConflictsCommand.value(f, c.theirs).map { $0 as Any } ?? NSNull()] as [String: Any]
                        },
                        "mine_device": c.mineVersion.device.hex, "mine_time_ms": c.mineVersion.hlc >> 16,
                        "theirs_device": c.theirsVersion.device.hex, "theirs_time_ms": c.theirsVersion.hlc >> 16,
                        "found_ms": c.foundMilliseconds, "kept": c.mineLost ? "theirs" : "mine",
                    ] as [String: Any]
                })
                return
            }
            guard !conflicts.isEmpty else {
                print("No conflicts: every edit synced as it was made.")
                return
            }
            for c in conflicts {
                let label = (c.theirs ?? c.mine)?.label ?? c.tokenID.hex
                print("conflict \(c.id): \(label) (token \(c.tokenID.hex.prefix(12)))")
                var rows: [[String]] = []
                for f in c.fields {
                    rows.append(["  \(f.rawValue):", "mine: \(ConflictsCommand.value(f, c.mine) ?? "(deleted)")",
                                 "theirs: \(ConflictsCommand.value(f, c.theirs) ?? "(deleted)")"])
                }
                rows.append(["  mine:", "device \(c.mineVersion.device.hex.prefix(8)) at \(StatusCommand.describe(c.mineVersion.hlc >> 16))"])
                rows.append(["  theirs:", "device \(c.theirsVersion.device.hex.prefix(8)) at \(StatusCommand.describe(c.theirsVersion.hlc >> 16))"])
                rows.append(["  kept:", c.mineLost ? "theirs (the newer edit)" : "mine (the newer edit)"])
                TextTable.print(rows)
            }
            print("Settle one with 'twofold conflicts resolve ID --keep mine' or '--keep theirs'.")
        }
    }

    /// `twofold conflicts resolve ID --keep mine|theirs`.
    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Settle a conflict: keep this device's side (mine) or the other device's (theirs); writing back the side that lost syncs like any edit.")

        enum Side: String, ExpressibleByArgument { case mine, theirs }

        @OptionGroup var global: GlobalOptions
        @OptionGroup var unlock: UnlockOptions

        @Argument(help: "The conflict's number, from 'twofold conflicts'.") var id: Int64
        @Option(help: "mine or theirs.") var keep: Side

        func run() throws {
            let conflict = try unlock.openVault(global).resolveConflict(id, keepMine: keep == .mine)
            let label = (conflict.theirs ?? conflict.mine)?.label ?? conflict.tokenID.hex
            let side = keep == .mine ? "this device's" : "the other device's"
            let written = (keep == .mine) == conflict.mineLost
            print("Kept \(side) \(conflict.fields.map(\.rawValue).joined(separator: ", ")) of \(label)"
                  + (written ? "; it syncs like any edit." : "."))
        }
    }

    /// A field's value as shown; nil for a deleted token. Never the secret.
    static func value(_ field: TokenMerge.Field, _ token: OTPToken?) -> String? {
        guard let token else { return nil }
        switch field {
        case .deleted: return "present"
        case .issuer: return token.issuer
        case .account: return token.account
        case .note: return token.note
        case .parameters:
            let moving = token.kind == .hotp ? "counter \(token.counter)" : "period \(token.period)"
            return "\(token.kind.rawValue) \(token.algorithm.rawValue) \(token.digits) digits \(moving)"
        }
    }
}
