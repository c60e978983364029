import ArgumentParser
import Foundation
import TwofoldDaemon
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

/// `twofold snapshots`: the sealed whole-vault snapshots kept on the relay
/// (Protocol/sync.md, "Snapshots"; README, "The daemon").
struct SnapshotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshots",
        abstract: "List, take and restore sealed whole-vault snapshots.",
        subcommands: [List.self, Take.self, Restore.self])

    /// `twofold snapshots list [--json]`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the account's snapshots on the relay, newest first.",
            discussion: "--json prints an array of {id, created_ms, uploaded_ms, size, epoch, device_id}.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var relayOptions: RelayOptions

        func run() throws {
            let list = try SnapshotsCommand.withAPI(global.vaultHome, relayOptions) { api in try await api.list() }
            if output.json {
                try JSONOutput.print(list.map {
                    ["id": $0.id.hex, "created_ms": $0.createdMilliseconds, "uploaded_ms": $0.uploadedMilliseconds,
                     "size": $0.size, "epoch": $0.epoch, "device_id": $0.device.hex] as [String: Any]
                })
                return
            }
            guard !list.isEmpty else {
                print("No snapshots yet: the daemon takes one a day, or run 'twofold snapshots take'.")
                return
            }
            TextTable.print(list.map {
                [String($0.id.hex.prefix(12)), StatusCommand.describe($0.createdMilliseconds), "\($0.size) bytes",
                 "device \($0.device.hex.prefix(8))"]
            })
        }
    }

    /// `twofold snapshots take`.
    struct Take: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a snapshot now and upload it (through the daemon when one runs).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var unlock: UnlockOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var relayOptions: RelayOptions

        func run() throws {
            let home = global.vaultHome
            var id: String
            var size: Int
            if DaemonClient.socketExists(home: home), ControlClient(home: home).isRunning,
               let answer = try? ControlClient(home: home).call(ControlRequest(op: "snapshot"), timeoutSeconds: 120),
               let snapshot = answer.snapshot, let taken = snapshot.id {
                (id, size) = (taken, snapshot.size ?? 0)
            } else {
                let vault = try unlock.openVault(global)
                // Taken by hand: kept apart from the schedule's retention (sync.md, "Retention").
                let snapshotID = SnapshotID.randomManual()
                let sealed = try vault.sealSnapshot(id: snapshotID, createdMilliseconds: UInt64(Date().timeIntervalSince1970 * 1000))
                let info = try SnapshotsCommand.withAPI(home, relayOptions) { api in try await api.upload(sealed) }
                (id, size) = (info.id.hex, info.size)
            }
            if output.json {
                try JSONOutput.print(["id": id, "size": size])
            } else {
                print("Snapshot \(id) stored on the relay (\(size) bytes).")
            }
        }
    }

    /// `twofold snapshots restore ID`.
    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring the vault's tokens back to a snapshot, as new edits that sync like any change.",
            discussion: """
                Every token of the snapshot that is missing, deleted or different now is written again; \
                tokens added since stay. HOTP counters and devices are never taken from a snapshot, so \
                no code is repeated. ID is a snapshot id or a unique prefix of 8 or more hex digits.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var unlock: UnlockOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var relayOptions: RelayOptions

        @Argument(help: "The snapshot id (or a unique prefix of 8+ hex digits), as 'snapshots list' shows.")
        var id: String

        func run() throws {
            let home = global.vaultHome
            let wanted = id.trimmingCharacters(in: .whitespaces).lowercased()
            guard wanted.count >= 8, wanted.allSatisfy(\.isHexDigit) else {
                throw CLIError.usage("give the snapshot id, or at least its first 8 hex digits")
            }
            let vault = try unlock.openVault(global)
            let (asked, sealed) = try SnapshotsCommand.withAPI(home, relayOptions) { api -> (SnapshotID, [UInt8]) in
                let matches = try await api.list().filter { $0.id.hex.hasPrefix(wanted) }
                guard matches.count == 1 else {
                    throw CLIError(matches.isEmpty
                        ? "no snapshot '\(wanted)' on the relay: run 'twofold snapshots list'"
                        : "'\(wanted)' names \(matches.count) snapshots: give more of the id")
                }
                return (matches[0].id, try await api.fetch(matches[0].id).sealed)
            }
            let opened = try vault.openSnapshot(sealed)
            // The id is authenticated with the image: a relay that serves another snapshot of
            // this account (an older one, genuine) in place of the one asked for is caught here.
            guard opened.header.id == asked else {
                throw CLIError("the relay served snapshot \(opened.header.id.hex) when \(asked.hex) was asked for: nothing was restored; report the relay if it repeats")
            }
            let written = try vault.restoreSnapshot(opened.records)
            if output.json {
                try JSONOutput.print(["id": opened.header.id.hex, "restored": written])
            } else {
                print("Restored \(written) tokens from snapshot \(opened.header.id.hex.prefix(12)) (taken \(StatusCommand.describe(opened.header.createdMilliseconds))); they sync as new edits.")
            }
        }
    }

    /// Runs `body` with the snapshot routes of the vault's relay, signed in as this device.
    static func withAPI<T: Sendable>(_ home: VaultHome, _ relayOptions: RelayOptions,
                                     _ body: @escaping @Sendable (SnapshotsAPI) async throws -> T) throws -> T {
        let store = try SyncStore.open(home: home)
        guard let state = try store.state(), state.accountState == .ready else { throw SyncError.refused(.notAttached) }
        let client = try relayOptions.client(for: state.relayURL, home: home)
        return try AsyncBridge.run {
            defer { Task { await client.shutdown() } }
            let session = try await RelaySession.stored(client: client, store: store)
            return try await body(SnapshotsAPI(session: session))
        }
    }
}
