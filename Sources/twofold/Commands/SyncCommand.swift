import ArgumentParser
import Foundation
import TwofoldSync
import TwofoldVault

/// `twofold sync`: one sync round with the relay, without a daemon (Protocol/sync.md,
/// "A sync round"). Exit status 0 only when local and relay agree afterwards.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync this vault with its relay once (pull, merge, push).",
        discussion: """
            The vault is unlocked so that every pulled record is authenticated before it is \
            applied; --locked syncs without the passphrase, merging ciphertext by its \
            authenticated metadata, as the daemon does. Exit status 0 only when nothing is \
            left to push and the relay's signed head matches the local copy.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var unlock: UnlockOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var relayOptions: RelayOptions

    @Flag(name: .long, help: "Sync without unlocking the vault (records are checked later, when opened).")
    var locked = false

    func run() throws {
        let home = global.vaultHome
        let store = try SyncStore.open(home: home)
        guard let state = try store.state() else { throw SyncError.refused(.notAttached) }
        guard state.accountState == .ready else {
            throw CLIError("creating the account on \(state.relayURL) was interrupted: run 'twofold init --relay \(state.relayURL)' again to finish it")
        }
        let box = locked ? nil : SendableVault(vault: try unlock.openVault(global))
        let client = try relayOptions.client(for: state.relayURL, home: global.vaultHome)
        let json = output.json
        let result: Result<SyncReport, SyncError> = try AsyncBridge.run {
            defer { Task { await client.shutdown() } }
            let session = try await RelaySession.stored(client: client, store: store)
            var syncer = Syncer(store: store, transport: RecordsAPI(session: session), keyring: box?.vault.keyring)
            do {
                if let vault = box?.vault {
                    // A rotation an earlier run left halfway is finished first (devices.md,
                    // "Interrupted"); rotations by other devices are followed.
                    try await RotationReport.resume(vault: vault, session: session, recoveryKeyFile: nil)
                    syncer = Syncer(store: store, transport: RecordsAPI(session: session), keyring: vault.keyring)
                    syncer.follower = VaultEpochFollower(vault: vault, session: session)
                }
                return .success(try await syncer.run(clockOffset: { await client.traffic.clockOffsetMilliseconds }))
            } catch {
                return .failure(SyncError.from(error))
            }
        }
        let traffic = AsyncBridge.runValue { await client.traffic.snapshot }
        let pending = try store.pendingCount()
        let setAside = try store.conflictCount()
        switch result {
        case .success(let report):
            if setAside > 0 {
                Warnings.emit("\(setAside) edits were set aside because another device changed the same field first: see 'twofold conflicts'")
            }
            if json {
                try JSONOutput.print([
                    "ok": pending == 0, "relay": client.relay, "pulled": report.pulled, "updated": report.updated,
                    "pushed": report.pushed, "conflicts": report.conflicts, "pending": pending, "last_seq": report.lastSeq,
                    "unresolved_conflicts": setAside,
                    "bytes_sent": traffic.bytesSent, "bytes_received": traffic.bytesReceived, "requests": traffic.requests,
                    "clock_offset_ms": traffic.clockOffsetMilliseconds.map { $0 as Any } ?? NSNull(),
                ])
            } else {
                print("Synced with \(client.relay): \(report.pulled) pulled, \(report.pushed) pushed, \(pending) pending.")
            }
            if let estimate = AsyncBridge.runValue({ await client.traffic.clockEstimate }),
               ClockDrift.isOff(offsetMs: estimate.offsetMs, uncertaintyMs: estimate.uncertaintyMs) {
                Warnings.emit(ClockDrift.warning(offsetMs: estimate.offsetMs, ageMs: nil))
            }
            if pending > 0 { throw CLIError("\(pending) local changes are still waiting for the relay: run 'twofold sync' again") }
        case .failure(let error):
            if json {
                try JSONOutput.print(["ok": false, "relay": client.relay, "pending": pending,
                                      "error": ["code": error.code, "message": error.description]])
            }
            throw error
        }
    }
}

extension AsyncBridge {
    /// Runs non-throwing async work and waits for its value.
    static func runValue<T>(_ body: @escaping @Sendable () async -> T) -> T {
        // The body cannot throw, so neither can the bridge.
        try! run { await body() }
    }
}
