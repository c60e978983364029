import Logging
import ServiceLifecycle

/// Background upkeep of one replica: reloads the device directory from the store so that
/// changes made elsewhere (the admin command) take effect within seconds [API-12], and
/// forgets expired challenges, mailboxes and idle rate buckets.
struct Housekeeping: Service {
    let relay: Relay

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var ticks = 0
            let refresh = max(1, relay.configuration.directoryRefreshSeconds)
            while !Task.isCancelled {
                do { try await Task.sleep(for: .seconds(refresh)) } catch { break }
                ticks += refresh
                do {
                    // An account the admin deleted or suspended loses its streams here.
                    for account in relay.directory.load(try await relay.store.deviceDirectory()) {
                        relay.hub.closeAccount(account)
                    }
                    if ticks >= 60 {
                        ticks = 0
                        let now = relay.clock.nowMs
                        try await relay.store.purgeExpired(nowMs: now)
                        relay.limiter.prune(nowMs: now)
                    }
                } catch {
                    relay.logger.warning("housekeeping failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
