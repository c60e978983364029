import Foundation
import ServiceLifecycle
import TwofoldProtocol

/// This replica's push streams, by account, in memory (Protocol/relay-api.md, "Push").
///
/// Each stream is an `AsyncStream` the SSE response drains. One ticker (``run()``) sends
/// the keep-alives and closes streams whose token has expired, so 10 000 idle streams cost
/// no timer each. Limits: 4 streams per device, 64 per account (429 `too_many_streams`).
public final class PushHub: PushFanOut, Service, @unchecked Sendable {
    struct Subscriber {
        let device: DeviceID
        let expiresAtMs: Int64
        let continuation: AsyncStream<PushEvent>.Continuation
    }

    private let lock = NSLock()
    private var accounts: [AccountID: [UInt64: Subscriber]] = [:]
    private var nextID: UInt64 = 0
    private var total = 0
    private let clock: any RelayClock
    private let keepAliveSeconds: Int
    private let onCountChange: @Sendable (Int) -> Void
    private let onAccountChange: @Sendable (AccountID) -> Void

    /// A hub; `onCountChange` feeds the open-streams gauge; `onAccountChange` hears of every
    /// change announced for an account (the relay drops its cached pull pages), before any
    /// stream is told.
    public init(clock: any RelayClock, keepAliveSeconds: Int = 25, onCountChange: @escaping @Sendable (Int) -> Void = { _ in },
                onAccountChange: @escaping @Sendable (AccountID) -> Void = { _ in }) {
        self.clock = clock
        self.keepAliveSeconds = keepAliveSeconds
        self.onCountChange = onCountChange
        self.onAccountChange = onAccountChange
    }

    /// Opens a stream for a device, or throws `too_many_streams`.
    func subscribe(account: AccountID, device: DeviceID, expiresAtMs: Int64,
                   perDevice: Int, perAccount: Int) throws(RelayError) -> (id: UInt64, events: AsyncStream<PushEvent>) {
        let (stream, continuation) = AsyncStream<PushEvent>.makeStream(bufferingPolicy: .bufferingNewest(16))
        lock.lock()
        var mine = 0, inAccount = 0
        if let existing = accounts[account] {
            inAccount = existing.count
            for sub in existing.values where sub.device == device { mine += 1 }
        }
        guard mine < perDevice, inAccount < perAccount else {
            lock.unlock()
            throw RelayError(.tooManyStreams, "too many push streams (at most \(perDevice) per device, \(perAccount) per account); close old streams",
                             retryAfterSeconds: 30)
        }
        nextID += 1
        let id = nextID
        accounts[account, default: [:]][id] = Subscriber(device: device, expiresAtMs: expiresAtMs, continuation: continuation)
        total += 1
        let count = total
        lock.unlock()
        onCountChange(count)
        continuation.onTermination = { [weak self] _ in self?.remove(account: account, id: id) }
        return (id, stream)
    }

    private func remove(account: AccountID, id: UInt64) {
        lock.lock()
        guard accounts[account]?.removeValue(forKey: id) != nil else { lock.unlock(); return }
        if accounts[account]?.isEmpty == true { accounts[account] = nil }
        total -= 1
        let count = total
        lock.unlock()
        onCountChange(count)
    }

    /// Ends one stream (graceful shutdown of its connection).
    func close(account: AccountID, id: UInt64) {
        lock.lock()
        let sub = accounts[account]?[id]
        lock.unlock()
        sub?.continuation.finish()
    }

    /// Streams open now.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return total
    }

    private func subscribers(_ account: AccountID) -> [Subscriber] {
        lock.lock()
        defer { lock.unlock() }
        return accounts[account].map { Array($0.values) } ?? []
    }

    public func publish(_ event: PushEvent, account: AccountID, exceptDevice: DeviceID?) {
        onAccountChange(account)
        for sub in subscribers(account) where sub.device != exceptDevice {
            sub.continuation.yield(event)
        }
    }

    public func revoke(_ devices: [DeviceID], account: AccountID) {
        onAccountChange(account)
        let set = Set(devices)
        for sub in subscribers(account) where set.contains(sub.device) {
            sub.continuation.yield(.revoked)
            sub.continuation.finish()
        }
    }

    public func closeAccount(_ account: AccountID) {
        onAccountChange(account)
        for sub in subscribers(account) {
            sub.continuation.yield(.revoked)
            sub.continuation.finish()
        }
    }

    /// One tick: keep-alives when due, and streams past their token's expiry closed.
    func tick(sendKeepAlive: Bool) {
        let now = clock.nowMs
        lock.lock()
        let all = accounts.values.flatMap(\.values)
        lock.unlock()
        for sub in all {
            if sub.expiresAtMs <= now {
                sub.continuation.finish()
            } else if sendKeepAlive {
                sub.continuation.yield(.keepAlive)
            }
        }
    }

    /// Runs the ticker until graceful shutdown [API-24].
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var seconds = 0
            while !Task.isCancelled {
                do { try await Task.sleep(for: .seconds(1)) } catch { break }
                seconds += 1
                self.tick(sendKeepAlive: seconds % max(1, self.keepAliveSeconds) == 0)
            }
        }
    }
}
