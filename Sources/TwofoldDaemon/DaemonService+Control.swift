import Foundation
import TwofoldCrypto
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

extension DaemonService: ControlHandler {
    /// Answers one control request (Protocol/daemon.md, "Operations").
    public func handle(_ request: ControlRequest, peer: PeerCredentials) async -> ControlReply {
        switch request.op {
        case "status": return .one(await status())
        case "nudge":
            await loop.localChanged()
            return .one(.success)
        case "sync": return .one(Self.response(await loop.syncNow()))
        case "unlock": return .one(await unlock(request))
        case "lock":
            guard await keys.lock() else {
                return .one(.failure("key_file", "this vault has no passphrase: its key file unlocks it, so there is nothing to lock"))
            }
            return .one(await status())
        case "key": return .one(await key())
        case "snapshot": return .one(await snapshot())
        case "hotp": return .one(await hotp(request))
        case "watch":
            let (id, stream) = await loop.watch()
            let mapped = AsyncStream<ControlResponse> { continuation in
                let task = Task {
                    for await outcome in stream { continuation.yield(Self.response(outcome)) }
                    continuation.finish()
                }
                continuation.onTermination = { _ in task.cancel() }
            }
            let loop = self.loop
            return .stream(.success, mapped, cancel: { await loop.unwatch(id) })
        default:
            return .one(.failure("unknown_op", "unknown op '\(request.op.prefix(40))': see Protocol/daemon.md"))
        }
    }

    func status() async -> ControlResponse {
        var response = ControlResponse.success
        response.daemon = .init(pid: getpid(), version: options.version, startedMs: startedMilliseconds, home: options.home.path)
        switch await keys.state {
        case .locked: response.locked = true
        case .keyFile: response.locked = false
        case .unlocked(let expires):
            response.locked = false
            response.unlockExpiresInS = max(0, Int((expires - ContinuousClock.now).components.seconds))
        }
        let s = await loop.currentStatus
        let state = (try? loop.store.state()) ?? nil
        response.sync = .init(
            relay: s.relay ?? state?.relayURL, pushConnected: s.pushConnected, syncing: s.syncing, rounds: s.rounds,
            lastRoundMs: s.lastRoundMilliseconds, lastSuccessMs: s.lastSuccessMilliseconds, lastError: s.lastError,
            lastErrorCode: s.lastErrorCode, failures: s.failures, retryInMs: s.retryInMilliseconds,
            pending: try? loop.store.pendingCount(), lastSeq: state?.lastSeq)
        let snap = await snapshots.currentStatus
        response.snapshot = .init(lastMs: snap.lastMilliseconds, nextMs: snap.nextMilliseconds, lastError: snap.lastError)
        return response
    }

    private func unlock(_ request: ControlRequest) async -> ControlResponse {
        guard let text = request.key, var bytes = Base64URL.decode(text), bytes.count == 32 else {
            return .failure("bad_request", "unlock needs \"key\": the 32-byte unlock key in base64url")
        }
        let key = SecureBytes(bytes)
        bytes.withUnsafeMutableBytes { _ = memset($0.baseAddress!, 0, $0.count) }
        var timeout: Duration?
        if let seconds = request.timeoutS {
            guard seconds > 0, seconds <= 7 * 86_400 else {
                return .failure("bad_request", "timeout_s must be between 1 and 604800 seconds")
            }
            timeout = .seconds(seconds)
        }
        do {
            try await keys.unlock(key: key, timeout: timeout)
        } catch {
            return .failure("wrong_key", "the key does not open this vault (\(error.description))")
        }
        // Pulled records kept pending while locked are checked now ([DEV-3]).
        await loop.request(urgent: true)
        return await status()
    }

    private func key() async -> ControlResponse {
        guard let key = await keys.unlockKey() else {
            return .failure("locked", "the daemon holds no key: run 'twofold unlock' (or give the passphrase)")
        }
        var bytes = key.copyBytes()
        defer { bytes.withUnsafeMutableBytes { _ = memset($0.baseAddress!, 0, $0.count) } }
        var response = ControlResponse.success
        response.key = Base64URL.encode(bytes)
        return response
    }

    private func snapshot() async -> ControlResponse {
        do {
            let (info, deleted) = try await snapshots.takeNow()
            var response = ControlResponse.success
            response.snapshot = .init(id: info.id.hex, createdMs: info.createdMilliseconds, size: info.size, deleted: deleted)
            return response
        } catch let error as DaemonError {
            if case .refused(let code, let message) = error { return .failure(code, message) }
            return .failure("snapshot_failed", error.description)
        } catch {
            return .failure("snapshot_failed", "the snapshot failed: \(error)")
        }
    }

    /// The answer to `sync` and each `watch` line.
    static func response(_ outcome: RoundOutcome) -> ControlResponse {
        if outcome.notAttached {
            return .failure("not_attached", "this vault syncs with no relay: attach it with 'twofold init --relay URL' first")
        }
        guard let report = outcome.report else {
            let error = outcome.error
            return .failure(error?.code ?? "sync_failed", error?.description ?? "the sync round failed")
        }
        var response = ControlResponse.success
        response.round = .init(pulled: report.pulled, updated: report.updated, pushed: report.pushed, conflicts: report.conflicts,
                               lastSeq: report.lastSeq, finishedMs: outcome.finishedMilliseconds)
        return response
    }
}
