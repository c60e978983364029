import ArgumentParser
import Foundation
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

/// `twofold devices`: the account's devices, and revoking one (Protocol/devices.md,
/// "The roster", "Revocation and key rotation").
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the account's devices, or revoke one.",
        discussion: """
            The list is the account's roster (sealed under the vault key, so the relay cannot \
            add to it) joined with what the relay knows: when each device was added and last \
            signed in. A device the relay has but the roster does not list (a restore that \
            never finished) is shown too; the next rotation removes it.
            """,
        subcommands: [List.self, Revoke.self],
        defaultSubcommand: List.self)

    /// `twofold devices [list] [--json]`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the account's devices.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var unlock: UnlockOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var relayOptions: RelayOptions

        func run() throws {
            let box = SendableVault(vault: try unlock.openVault(global))
            let (client, _) = try RotationReport.session(vault: box.vault, relayOptions: relayOptions)
            let relayDevices: [DevicesAPI.Device]? = try AsyncBridge.run {
                defer { Task { await client.shutdown() } }
                let session = try await RelaySession.stored(client: client, store: box.vault.syncStore)
                do {
                    try await RotationReport.resume(vault: box.vault, session: session, recoveryKeyFile: nil)
                    try await KeyRotation.syncRound(vault: box.vault, session: session)
                    return try await DevicesAPI(client: client).account(session: session).devices
                } catch let error as SyncError where !error.isTransient {
                    throw error
                } catch {
                    Warnings.emit("the relay could not be asked (\(error)); showing the roster as this device last saw it")
                    return nil
                }
            }
            guard let roster = try box.vault.roster() else { throw SyncError.refused(.rosterUnavailable("no roster was pulled yet: run 'twofold sync'")) }
            let rows = DeviceRow.merge(roster: roster, relay: relayDevices, current: box.vault.device)
            if output.json {
                try JSONOutput.print(rows.map(\.json))
                return
            }
            TextTable.print([["", "ID", "NAME", "ADDED", "LAST SEEN", "STATUS"]] + rows.map { row in
                [row.current ? "*" : "", String(row.id.hex.prefix(12)), row.name, DeviceRow.day(row.added),
                 DeviceRow.day(row.lastSeen), row.status]
            })
        }
    }

    /// `twofold devices revoke ID`.
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke",
            abstract: "Revoke a device: the relay refuses it, and the account moves to a new key it never sees.",
            discussion: """
                ID is a device id from 'twofold devices' (a unique prefix of at least 6 hex digits \
                is enough). The account rotates to a new epoch: a new vault key, every record \
                re-sealed, new grants for the remaining devices, the recovery key and the \
                passphrase. The revoked device keeps what it already had, and can open nothing \
                written afterwards. If this is interrupted, 'twofold sync' finishes it.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var unlock: UnlockOptions
        @OptionGroup var relayOptions: RelayOptions

        @Argument(help: ArgumentHelp("The device to revoke.", valueName: "ID"))
        var id: String

        @Flag(name: .long, help: "Do not ask for confirmation at a terminal.")
        var yes = false

        func run() throws {
            let prefix = id.trimmingCharacters(in: .whitespaces).lowercased()
            guard prefix.count >= 6, prefix.count <= 32, prefix.allSatisfy(\.isHexDigit) else {
                throw CLIError("'\(id)' is not a device id: give at least 6 hex digits of an id from 'twofold devices'")
            }
            let box = SendableVault(vault: try unlock.openVault(global))
            let (client, _) = try RotationReport.session(vault: box.vault, relayOptions: relayOptions)
            let confirmed = yes
            try AsyncBridge.run {
                defer { Task { await client.shutdown() } }
                let vault = box.vault
                let session = try await RelaySession.stored(client: client, store: vault.syncStore)
                try await RotationReport.resume(vault: vault, session: session, recoveryKeyFile: nil)
                try await KeyRotation.syncRound(vault: vault, session: session)
                let relay = try await DevicesAPI(client: client).account(session: session).devices.map(\.id)
                let known = Set(relay + (try vault.roster()?.devices.map(\.id) ?? []))
                let matches = known.filter { $0.hex.hasPrefix(prefix) }
                guard matches.count == 1, let target = matches.first else {
                    throw CLIError(matches.isEmpty
                        ? "no device of this account has an id starting with \(prefix): see 'twofold devices'"
                        : "\(matches.count) devices have ids starting with \(prefix): give more digits")
                }
                guard target != vault.device else {
                    throw CLIError("this is the device you are using: revoke it from another device of the account")
                }
                try Confirmation.ask("Revoke device \(target.hex.prefix(8))? It can open nothing written afterwards.", yes: confirmed,
                                     refused: "no device was revoked (answered no); --yes revokes without asking")
                let outcome = try await KeyRotation.run(RotationChange(revoke: [target]), vault: vault, session: session)
                if !outcome.revoked.contains(target) {
                    print("Device \(target.hex) was already revoked; the account moved to epoch \(outcome.epoch) anyway.")
                }
                try RotationReport.show(outcome, vault: vault, recoveryKeyFile: nil)
                print("The account is at epoch \(outcome.epoch).")
            }
        }
    }
}

/// One line of `twofold devices`.
struct DeviceRow {
    var id: DeviceID
    var name: String
    var added: UInt64?
    var lastSeen: UInt64?
    var status: String
    var current: Bool

    /// Roster devices first (in roster order), then relay devices the roster does not list.
    static func merge(roster: Roster, relay: [DevicesAPI.Device]?, current: DeviceID) -> [DeviceRow] {
        let byID = Dictionary((relay ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var rows = roster.devices.map { device -> DeviceRow in
            let known = byID[device.id]
            let status = relay == nil ? "unknown" : known.map { $0.active ? "active" : "revoked" } ?? "not on relay"
            return DeviceRow(id: device.id, name: device.name, added: device.addedMilliseconds,
                             lastSeen: known?.lastSeenMilliseconds, status: status, current: device.id == current)
        }
        let listed = Set(roster.devices.map(\.id))
        for device in relay ?? [] where !listed.contains(device.id) && device.active {
            rows.append(DeviceRow(id: device.id, name: "(not in roster)", added: device.createdMilliseconds,
                                  lastSeen: device.lastSeenMilliseconds, status: "stale: removed at the next rotation",
                                  current: device.id == current))
        }
        return rows
    }

    /// `id`, `name`, `added`, `last_seen` (ISO 8601, or null), `current`, `status`.
    var json: [String: Any] {
        ["id": id.hex, "name": name, "added": Self.iso(added) ?? NSNull(), "last_seen": Self.iso(lastSeen) ?? NSNull(),
         "current": current, "status": status]
    }

    static func iso(_ ms: UInt64?) -> String? {
        guard let ms else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    static func day(_ ms: UInt64?) -> String {
        guard let ms else { return "-" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone.current
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
