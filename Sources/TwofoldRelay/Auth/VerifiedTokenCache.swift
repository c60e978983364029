import Foundation
import TwofoldProtocol

/// Tokens whose MAC this replica has already checked, by their exact text, so a device's
/// next requests skip the keyed hash (which allocates guarded memory for its key each time).
///
/// Only tokens that verified are kept, so a forged or altered token never hits; the expiry
/// is still checked on every use (relay-api.md, "Access tokens", order: MAC, then expiry)
/// [API-11]. Bounded: when full it starts again empty.
final class VerifiedTokenCache: @unchecked Sendable {
    struct Entry {
        let accountID: AccountID
        let deviceID: DeviceID
        let expiresAtMs: Int64
        /// The device's rate-limit bucket key.
        let limitKey: String
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private let capacity: Int

    init(capacity: Int = 50_000) { self.capacity = capacity }

    func lookup(_ text: String) -> Entry? {
        lock.lock()
        defer { lock.unlock() }
        return entries[text]
    }

    func insert(_ text: String, _ entry: Entry) {
        lock.lock()
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[text] = entry
        lock.unlock()
    }
}
