import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The receiving half of the push fan-out across replicas (issue 8): one connection per
/// replica does `LISTEN twofold_events` and hands what other processes committed to this
/// replica's ``PushFanOut`` (its ``PushHub``) and ``DeviceDirectory``
/// (Protocol/relay-api.md, "Device status", "Push").
///
/// A write on replica 2 reaches a stream on replica 1 one NOTIFY after its commit — the
/// sending half is ``PostgresRelayStore``, which notifies inside the writing transaction.
/// A revocation reaches replica 1's directory the same way; while the listening connection
/// is down, the housekeeping reload (every `directoryRefreshSeconds`, 2 s) still bounds how
/// long a revoked device can read, and writes are refused in their transaction regardless
/// [API-13]. The connection is checked every ``heartbeat`` and re-established with backoff
/// when it drops; on every (re)connect the directory is reloaded in full, since
/// notifications sent while nobody listened are gone.
public struct PostgresChangeListener: Service {
    let store: PostgresRelayStore
    let fanOut: any PushFanOut
    let directory: DeviceDirectory
    let logger: Logger
    /// Called each time the LISTEN is in place (tests and the benchmark wait for it).
    let onListening: @Sendable () -> Void
    /// How often the listening connection is probed.
    var heartbeat: Duration = .seconds(10)

    /// A listener feeding `fanOut` and `directory` from `store`'s notifications.
    public init(store: PostgresRelayStore, fanOut: any PushFanOut, directory: DeviceDirectory, logger: Logger,
                onListening: @escaping @Sendable () -> Void = {}) {
        self.store = store
        self.fanOut = fanOut
        self.directory = directory
        self.logger = logger
        self.onListening = onListening
    }

    /// Listens until graceful shutdown, reconnecting after 0.1 s, doubling to 5 s.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var backoff = Duration.milliseconds(100)
            while !Task.isCancelled {
                do {
                    try await listenOnce()
                    backoff = .milliseconds(100)
                } catch {
                    if Task.isCancelled { break }
                    logger.warning("the PostgreSQL notification connection dropped; reconnecting",
                                   metadata: ["error": "\(PostgresRelayStore.reason(error))", "retry_in": "\(backoff)"])
                }
                do { try await Task.sleep(for: backoff) } catch { break }
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    private func listenOnce() async throws {
        try await store.client.withConnection { conn in
            try await conn.listen(on: RelayChange.channel) { notifications in
                // Listening now: whatever was missed before is covered by a full reload.
                directory.load(try await store.deviceDirectory())
                onListening()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        // A dead TCP connection sends no error: probe it, and close it when
                        // the probe fails so the loop below ends and reconnects.
                        while true {
                            try await Task.sleep(for: heartbeat)
                            do {
                                try await conn.query("SELECT 1", logger: logger)
                            } catch {
                                try? await conn.close()
                                throw error
                            }
                        }
                    }
                    for try await notification in notifications {
                        deliver(notification.payload)
                    }
                    group.cancelAll()
                }
            }
        }
    }

    /// Applies one notification; this process's own are skipped.
    func deliver(_ payload: String) {
        guard let (origin, change) = RelayChange.parse(payload) else {
            logger.debug("ignored a notification", metadata: ["payload": "\(payload.prefix(80))"])
            return
        }
        guard origin != store.origin else { return }
        switch change {
        case .records(let account, let seq, let except):
            fanOut.publish(.records(seq: seq), account: account, exceptDevice: except)
        case .epoch(let account, let epoch, let except):
            fanOut.publish(.epoch(epoch), account: account, exceptDevice: except)
        case .revoked(let account, let devices):
            directory.revoke(devices)
            fanOut.revoke(devices, account: account)
        case .accountDeleted(let account):
            directory.deleteAccount(account)
            fanOut.closeAccount(account)
        }
    }
}
