import ArgumentParser
import Foundation
import TwofoldSync
import TwofoldVault

/// `twofold status`: where this device syncs and how it went, without unlocking the vault.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the relay, account, device, last sync, pending changes, last error, daemon, lock and clock offset.",
        discussion: """
            --json prints one object: relay, account_id, device_id, last_sync (Unix ms or null), \
            pending, last_error, daemon, locked, clock_offset_ms.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        var status = try SyncStatus.read(try SyncStore.open(home: global.vaultHome))
        DaemonClient.apply(to: &status, home: global.vaultHome)
        func orNull(_ value: Any?) -> Any { value ?? NSNull() }
        if output.json {
            try JSONOutput.print([
                "relay": orNull(status.relay), "account_id": status.accountID, "device_id": status.deviceID,
                "last_sync": orNull(status.lastSync), "pending": status.pending, "last_error": orNull(status.lastError),
                "daemon": status.daemon, "locked": status.locked, "clock_offset_ms": orNull(status.clockOffsetMilliseconds),
            ])
            return
        }
        var relay = status.relay ?? "none (local vault; attach one with 'twofold relay set URL')"
        if status.accountState == "creating" { relay += " (account creation unfinished: run 'twofold init --relay' again)" }
        TextTable.print([
            ["relay:", relay],
            ["account:", status.accountID],
            ["device:", status.deviceID],
            ["last sync:", status.lastSync.map(Self.describe) ?? "never"],
            ["pending:", "\(status.pending)"],
            ["last error:", status.lastError ?? "none"],
            ["daemon:", status.daemon ? "running" : "not running"],
            ["locked:", status.locked ? "yes (passphrase needed)" : "no (key file)"],
            ["clock offset:", status.clockOffsetMilliseconds.map { "\($0 >= 0 ? "+" : "")\($0) ms (relay minus this computer)" } ?? "unknown"],
        ])
    }

    static func describe(_ milliseconds: UInt64) -> String {
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let ago = Int(Date().timeIntervalSince(date))
        let formatter = ISO8601DateFormatter()
        let relative = ago < 60 ? "\(max(ago, 0)) s ago" : ago < 3600 ? "\(ago / 60) min ago" : "\(ago / 3600) h ago"
        return "\(formatter.string(from: date)) (\(relative))"
    }
}
