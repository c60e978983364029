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

    /// Makes an invite usable `uses` times, for `expiresInSeconds` (nil: no expiry), with
    /// an optional label that the accounts it creates carry; returns the token, shown
    /// once: the store keeps only its hash.
    public func createInvite(uses: Int64, expiresInSeconds: Int64?, label: String? = nil) async throws -> (token: String, id: String) {
        if let label, let problem = Self.labelProblem(label) { throw ConfigurationError("--label \(problem)") }
        let token = InviteToken.generate()
        let hash = InviteToken.hash(token)
        let now = clock.nowMs
        try await store.createInvite(hash: hash, uses: uses, expiresAtMs: expiresInSeconds.map { now + $0 * 1000 },
                                     label: label, nowMs: now)
        return (token, String(Hex.encode(hash).prefix(12)))
    }

    /// Why `label` cannot be an invite's label, or nil when it can: 1 to 64 characters,
    /// none of them a control character (it is printed in a terminal table).
    public static func labelProblem(_ label: String) -> String? {
        if label.isEmpty || label.count > 64 { return "must be 1 to 64 characters" }
        if label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }) {
            return "must not hold control characters"
        }
        return nil
    }

    /// The invites that can still be used.
    public func invites() async throws -> [InviteInfo] { try await store.invites(nowMs: clock.nowMs) }

    /// The invites as `invite list` prints them.
    public static func inviteTable(_ invites: [InviteInfo]) -> String {
        var lines = ["ID            USES LEFT  EXPIRES                CREATED                LABEL"]
        for i in invites {
            lines.append(pad(i.id, 14) + pad(String(i.usesLeft), 11) + pad(i.expiresAtMs.map(time) ?? "never", 23)
                         + pad(time(i.createdAtMs), 23) + (i.label ?? "-"))
        }
        return lines.joined(separator: "\n")
    }

    /// The invites as `invite list --json` prints them.
    public static func inviteJSON(_ invites: [InviteInfo]) -> JSONValue {
        .obj(["invites": .array(invites.map { i in
            .obj(["id": .string(i.id), "uses_left": .int(i.usesLeft), "expires_at_ms": i.expiresAtMs.map(JSONValue.int) ?? .null,
                  "created_at_ms": .int(i.createdAtMs), "label": i.label.map(JSONValue.string) ?? .null])
        })])
    }

    /// Revokes an invite by id; false when none has that id.
    public func revokeInvite(id: String) async throws -> Bool { try await store.revokeInvite(id: id) }

    /// Every account with its label, creation time, device, record and byte counts, last
    /// request and whether it is suspended: all the relay knows about it.
    public func accounts() async throws -> [AccountSummary] { try await store.accountSummaries() }

    /// The accounts as `accounts list` prints them.
    public static func accountTable(_ accounts: [AccountSummary]) -> String {
        var lines = ["ACCOUNT                           LABEL                 CREATED                LAST SEEN              DEVICES  RECORDS  BYTES        STATE"]
        for a in accounts {
            lines.append(pad(a.accountID.hex, 34) + pad(a.label ?? "-", 22) + pad(time(a.createdAtMs), 23)
                         + pad(a.lastSeenMs.map(time) ?? "never", 23) + pad(String(a.devices), 9) + pad(String(a.records), 9)
                         + pad(String(a.bytes), 13) + (a.disabled ? "disabled" : "active"))
        }
        return lines.joined(separator: "\n")
    }

    /// The accounts as `accounts list --json` prints them.
    public static func accountJSON(_ accounts: [AccountSummary]) -> JSONValue {
        .obj(["accounts": .array(accounts.map { a in
            .obj(["id": .string(a.accountID.hex), "label": a.label.map(JSONValue.string) ?? .null,
                  "created_at_ms": .int(a.createdAtMs), "last_seen_ms": a.lastSeenMs.map(JSONValue.int) ?? .null,
                  "devices": .int(a.devices), "records": .int(a.records), "bytes": .int(a.bytes), "disabled": .bool(a.disabled)])
        })])
    }

    /// The account `id` names, or a one-line refusal.
    public static func accountID(_ id: String) throws -> AccountID {
        guard let account = WireFormat.id(id, as: AccountID.self) else {
            throw ConfigurationError("'\(id.prefix(40))' is not an account id: give the 32 lowercase hex digits that accounts list shows")
        }
        return account
    }

    /// The summary of the account `id` names, or nil when there is none.
    public func account(id: String) async throws -> AccountSummary? {
        let account = try Self.accountID(id)
        return try await accounts().first { $0.accountID == account }
    }

    /// Deletes an account and everything stored for it; false when unknown.
    public func deleteAccount(id: String) async throws -> Bool {
        try await store.deleteAccount(try Self.accountID(id), nowMs: clock.nowMs)
    }

    /// Suspends an account (its devices get 401 `account_disabled` until it is enabled;
    /// nothing is deleted) or enables it again; false when unknown.
    public func setDisabled(id: String, _ disabled: Bool) async throws -> Bool {
        try await store.setAccountDisabled(try Self.accountID(id), disabled: disabled, nowMs: clock.nowMs)
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
