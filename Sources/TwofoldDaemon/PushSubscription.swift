import Logging
import ServiceLifecycle
import TwofoldSync

/// Holds the relay's push stream open (Protocol/relay-api.md, "Push: server-sent events";
/// Protocol/daemon.md, "The push stream"): every `records` event beyond this device's
/// cursor — including the one the relay sends first on every connection — asks the
/// ``SyncLoop`` for a round, so a change on another device arrives without polling.
///
/// When the stream cannot be opened (the relay is away) it retries with the loop's
/// backoff and jitter; when it opens again after a failure, a postponed round runs at
/// once. The relay closes a stream at its token's expiry; it is reopened at once with a
/// fresh token and `Last-Event-ID`.
public struct PushSubscription: Service {
    private let loop: SyncLoop
    private let logger: Logger

    /// Feeds `loop`.
    public init(loop: SyncLoop, logger: Logger) {
        self.loop = loop
        self.logger = logger
    }

    /// Runs until cancelled (graceful shutdown cancels it).
    public func run() async throws {
        await cancelWhenGracefulShutdown { [loop, logger] in
            var lastEventID: String?
            while !Task.isCancelled {
                let session: RelaySession?
                do { session = try await loop.currentSession() } catch let error as SyncError {
                    try? await Task.sleep(for: await loop.pushLost(error))
                    continue
                } catch {
                    continue
                }
                guard let session else {
                    // Local-only vault, or an account still being created: look again later.
                    try? await Task.sleep(for: .seconds(2))
                    continue
                }
                let opened = ContinuousClock.now
                do {
                    lastEventID = try await EventStream(session: session).run(lastEventID: lastEventID) { event in
                        switch event {
                        case .records(let seq):
                            await loop.pushConnected()
                            await loop.remoteSeq(seq)
                        case .epoch:
                            await loop.request()
                        case .revoked:
                            // Revoked, or its account deleted or suspended: the sync says which.
                            logger.notice("the relay closed this device's push stream; syncing to learn why")
                            await loop.request(urgent: true)
                        }
                    }
                    var delay = await loop.pushLost(nil)
                    // A relay that closes streams at once must not be hammered either.
                    if ContinuousClock.now - opened < .seconds(1) { delay = .seconds(1) }
                    try? await Task.sleep(for: delay)
                } catch let error as SyncError {
                    guard !Task.isCancelled else { break }
                    try? await Task.sleep(for: await loop.pushLost(error))
                } catch {
                    break
                }
            }
        }
    }
}
