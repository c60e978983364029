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
            pending, last_error, daemon, locked, clock_offset_ms, clock_uncertainty_ms, \
            clock_measured (Unix ms), pending_rotation (the epoch of an unfinished key rotation, or \
            null), conflicts (edits a sync set aside: 'twofold conflicts'), held_for_merge (edits a \
            locked sync could not merge yet). A clock more than 5 s off the relay's is warned about on stderr.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let store = try SyncStore.open(home: global.vaultHome)
        var status = try SyncStatus.read(store)
        // Conflicts and held copies are counted without the key (Protocol/sync.md, "Concurrent edits").
        let conflicts = try store.conflictCount()
        let held = try store.heldCount()
        DaemonClient.apply(to: &status, home: global.vaultHome)
        func orNull(_ value: Any?) -> Any { value ?? NSNull() }
        if output.json {
            try JSONOutput.print([
                "relay": orNull(status.relay), "account_id": status.accountID, "device_id": status.deviceID,
                "last_sync": orNull(status.lastSync), "pending": status.pending, "last_error": orNull(status.lastError),
                "daemon": status.daemon, "locked": status.locked, "clock_offset_ms": orNull(status.clockOffsetMilliseconds),
                "clock_uncertainty_ms": orNull(status.clockUncertaintyMilliseconds),
                "clock_measured": orNull(status.clockMeasuredMilliseconds),
                "pending_rotation": orNull(status.pendingRotation),
                "conflicts": conflicts, "held_for_merge": held,
            ])
            warnAboutClock(status)
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
            ["conflicts:", conflicts == 0 ? "none" : "\(conflicts) (see 'twofold conflicts')"],
            ["last error:", status.lastError ?? "none"],
            ["daemon:", status.daemon ? "running" : "not running"],
            ["locked:", Self.describeLock(status, keyFile: (try? Vault.protection(home: global.vaultHome)) == .keyFile)],
            ["clock offset:", Self.describeClock(status)],
        ] + (held == 0 ? [] : [["held:", "\(held) edits wait to merge with another device's: unlock and sync"]])
          + (status.pendingRotation.map { [["key rotation:", "to epoch \($0) started and not finished: run 'twofold sync' to finish it"]] } ?? []))
        warnAboutClock(status)
    }

    /// One line on stderr when the clock is more than 5 s off the relay's (README, "My codes are rejected").
    func warnAboutClock(_ status: SyncStatus) {
        guard let offset = status.clockOffsetMilliseconds,
              ClockDrift.isOff(offsetMs: offset, uncertaintyMs: status.clockUncertaintyMilliseconds ?? 0) else { return }
        Warnings.emit(ClockDrift.warning(offsetMs: offset, ageMs: status.clockAgeMilliseconds))
    }

    /// How the vault opens right now: by its key file, through the unlocked daemon, or only
    /// with the passphrase (issue 20: a daemon-unlocked passphrase vault said "key file").
    static func describeLock(_ status: SyncStatus, keyFile: Bool) -> String {
        if status.locked { return "yes (passphrase needed; 'twofold unlock' keeps it in the daemon)" }
        if keyFile { return "no (key file)" }
        return status.daemon ? "no (unlocked in the daemon)" : "no"
    }

    /// "+90012 ms ±3 ms (relay minus this computer, measured 2 min ago)".
    static func describeClock(_ status: SyncStatus) -> String {
        guard let offset = status.clockOffsetMilliseconds else {
            // A local vault has no relay to measure against; doctor checks the system clock's
            // synchronisation (NTPCheck) either way.
            return status.relay == nil
                ? "not measured (local vault: 'twofold doctor' checks the system clock's synchronisation)"
                : "unknown (not measured yet: run 'twofold doctor')"
        }
        var text = "\(offset >= 0 ? "+" : "")\(offset) ms"
        if let uncertainty = status.clockUncertaintyMilliseconds { text += " ±\(uncertainty) ms" }
        text += " (relay minus this computer"
        if let age = status.clockAgeMilliseconds { text += ", measured \(ClockDrift.describe(ageMs: age))" }
        return text + ")"
    }

    static func describe(_ milliseconds: UInt64) -> String {
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let ago = Int(Date().timeIntervalSince(date))
        let formatter = ISO8601DateFormatter()
        let relative = ago < 60 ? "\(max(ago, 0)) s ago" : ago < 3600 ? "\(ago / 60) min ago" : "\(ago / 3600) h ago"
        return "\(formatter.string(from: date)) (\(relative))"
    }
}
