import Foundation
import TwofoldProtocol

/// The admin commands of `twofold-relay` (Protocol/relay-api.md, "Registration": admin
/// operations are never HTTP). They open the store directly, so they work while the
/// server runs: SQLite in WAL mode lets both write, each waiting for the other's
/// transaction through the busy timeout; on PostgreSQL they are one more client, and what
/// they change reaches every replica by the store's notifications (issue 8).
public struct RelayAdmin: Sendable {
    let store: any RelayStore
    let clock: any RelayClock

    /// Admin on a store.
    public init(store: any RelayStore, clock: any RelayClock = SystemRelayClock()) {
        self.store = store
        self.clock = clock
    }

    /// Admin on the SQLite store in `dataDirectory`.
    public init(dataDirectory: String) throws {
        self.init(store: try SQLiteRelayStore(directory: dataDirectory))
    }

    /// Makes an invite usable `uses` times, for `expiresInSeconds` (nil: no expiry);
    /// returns the token, shown once: the store keeps only its hash.
    public func createInvite(uses: Int64, expiresInSeconds: Int64?) async throws -> (token: String, id: String) {
        let token = InviteToken.generate()
        let hash = InviteToken.hash(token)
        let now = clock.nowMs
        try await store.createInvite(hash: hash, uses: uses, expiresAtMs: expiresInSeconds.map { now + $0 * 1000 }, nowMs: now)
        return (token, String(Hex.encode(hash).prefix(12)))
    }

    /// The invites that can still be used, as a table.
    public func listInvites() async throws -> String {
        let invites = try await store.invites(nowMs: clock.nowMs)
        var lines = ["ID            USES LEFT  EXPIRES                CREATED"]
        for i in invites {
            lines.append(Self.pad(i.id, 14) + Self.pad(String(i.usesLeft), 11) + Self.pad(i.expiresAtMs.map(Self.time) ?? "never", 23)
                         + Self.time(i.createdAtMs))
        }
        return lines.joined(separator: "\n")
    }

    /// Revokes an invite by id; false when none has that id.
    public func revokeInvite(id: String) async throws -> Bool { try await store.revokeInvite(id: id) }

    /// Every account with its device, record and byte counts and last sign-in: all the
    /// relay knows about it.
    public func listAccounts() async throws -> String {
        let accounts = try await store.accountSummaries()
        var lines = ["ACCOUNT                           DEVICES  RECORDS  BYTES        LAST SEEN"]
        for a in accounts {
            lines.append(Self.pad(a.accountID.hex, 34) + Self.pad(String(a.devices), 9) + Self.pad(String(a.records), 9)
                         + Self.pad(String(a.bytes), 13) + (a.lastSeenMs.map(Self.time) ?? "never"))
        }
        return lines.joined(separator: "\n")
    }

    /// Deletes an account and everything stored for it; false when unknown.
    public func deleteAccount(id: String) async throws -> Bool {
        guard let account = WireFormat.id(id, as: AccountID.self) else {
            throw ConfigurationError("'\(id.prefix(40))' is not an account id: give the 32 lowercase hex digits that accounts list shows")
        }
        return try await store.deleteAccount(account, nowMs: clock.nowMs)
    }

    /// Replaces the auth secret: every device signs in again after the relay restarts.
    public func rotateSecret() async throws { try await store.rotateAuthSecret() }

    /// `30s`, `45m`, `24h`, `7d` or plain seconds, as seconds; nil when malformed.
    public static func parseDuration(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        var digits = Substring(text)
        var unit: Int64 = 1
        if let last = text.last, let u = units[last] {
            unit = u
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              let n = Int64(digits), n > 0, n <= Int64.max / 1000 / unit else { return nil }
        return n * unit
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    /// `2026-01-01 12:00:00Z`.
    static func time(_ ms: Int64) -> String {
        var t = time_t(ms / 1000)
        var tm = tm()
        gmtime_r(&t, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday)) \(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))Z"
    }
}
