import Foundation
import Hummingbird
import TwofoldProtocol

/// Pull pages (`GET /v1/records`) this replica has already read and encoded, by account,
/// `after` and `limit`, as the exact response bytes (Protocol/relay-api.md, "Records").
///
/// Correctness rests on three rules:
/// - an entry is one store read encoded whole (``RecordPage`` from one transaction), so a
///   response from the cache is never a mix of two states [API-18];
/// - every committed change that alters what a pull returns reaches this replica's
///   ``PushHub`` as an event (`records`, `epoch`, `revoked`, the account deleted) — from this
///   replica's own routes, or from the store's notifications for other replicas — and the
///   hub drops the account's entries before it tells any stream, so a device that hears of a
///   change and pulls reads the store;
/// - a read that began before an invalidation is not stored after it (the ``Ticket``), and
///   every full reload of the device directory (every few seconds, and on reconnecting to
///   the store's notifications) drops everything, which bounds what a missed notification
///   or a change made outside any relay (the admin command) can leave behind.
///
/// Authentication, the device check and the rate limit run before the cache is consulted.
/// Bounded: entries larger than ``maxEntryBytes`` are not kept, and when the total passes
/// ``maxBytes`` it starts again empty.
final class PullPageCache: @unchecked Sendable {
    /// What identifies a page within an account.
    struct PageKey: Hashable {
        let after: Int64
        let limit: Int
    }

    /// Taken before the store read; an insert with an outdated ticket is dropped.
    struct Ticket {
        fileprivate let generation: UInt64
    }

    private let lock = NSLock()
    private var accounts: [AccountID: [PageKey: ByteBuffer]] = [:]
    private var generation: UInt64 = 0
    private var bytes = 0
    let maxBytes: Int
    let maxEntryBytes: Int

    init(maxBytes: Int = 32 << 20, maxEntryBytes: Int = 256 << 10) {
        self.maxBytes = maxBytes
        self.maxEntryBytes = maxEntryBytes
    }

    /// The encoded page, if held.
    func lookup(account: AccountID, after: Int64, limit: Int) -> ByteBuffer? {
        lock.lock()
        defer { lock.unlock() }
        return accounts[account]?[PageKey(after: after, limit: limit)]
    }

    /// A ticket for a store read about to start.
    func ticket() -> Ticket {
        lock.lock()
        defer { lock.unlock() }
        return Ticket(generation: generation)
    }

    /// Keeps `body` unless anything was invalidated since `ticket` was taken.
    func insert(account: AccountID, after: Int64, limit: Int, body: ByteBuffer, ticket: Ticket) {
        let size = body.readableBytes
        guard size <= maxEntryBytes else { return }
        lock.lock()
        defer { lock.unlock() }
        guard ticket.generation == generation else { return }
        if bytes + size > maxBytes {
            accounts.removeAll()
            bytes = 0
        }
        let key = PageKey(after: after, limit: limit)
        if let old = accounts[account, default: [:]].updateValue(body, forKey: key) {
            bytes -= old.readableBytes
        }
        bytes += size
    }

    /// Drops the account's pages (a change to it committed).
    func invalidate(account: AccountID) {
        lock.lock()
        generation &+= 1
        if let pages = accounts.removeValue(forKey: account) {
            for page in pages.values { bytes -= page.readableBytes }
        }
        lock.unlock()
    }

    /// Drops every page (the directory was reloaded from the store).
    func invalidateAll() {
        lock.lock()
        generation &+= 1
        accounts.removeAll()
        bytes = 0
        lock.unlock()
    }

    /// Pages held (tests).
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return accounts.values.reduce(0) { $0 + $1.count }
    }
}
