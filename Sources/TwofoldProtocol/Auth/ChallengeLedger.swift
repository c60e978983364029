/// Where the relay records used challenges so that each works once
/// (Protocol/relay-api.md, "Challenges").
///
/// The relay backs it with its store (a table keyed by nonce, so every replica agrees);
/// ``InMemoryChallengeLedger`` serves tests and single-process tools.
public protocol ChallengeLedger: Sendable {
    /// Records `challenge` as used at `nowMilliseconds`; returns false when it was already
    /// recorded. Must be atomic: of two concurrent calls with one challenge, one returns false.
    func consume(_ challenge: AuthChallenge, nowMilliseconds: UInt64) async throws -> Bool
}

/// The single-use rule as a value: nonces seen, each kept until its challenge expires.
///
/// A record may be forgotten once its challenge has expired, because an expired challenge
/// is refused before the ledger is consulted.
public struct UsedChallenges: Sendable, Equatable {
    private var expiries: [[UInt8]: UInt64] = [:]

    /// An empty set.
    public init() {}

    /// Number of nonces held.
    public var count: Int { expiries.count }

    /// Inserts the challenge's nonce; false when present. Forgets expired nonces first.
    public mutating func insert(_ challenge: AuthChallenge, nowMilliseconds: UInt64) -> Bool {
        purge(nowMilliseconds: nowMilliseconds)
        guard expiries[challenge.nonce] == nil else { return false }
        expiries[challenge.nonce] = challenge.expiresAtMilliseconds
        return true
    }

    /// Forgets nonces whose challenges have expired at `nowMilliseconds`.
    public mutating func purge(nowMilliseconds: UInt64) {
        expiries = expiries.filter { $0.value > nowMilliseconds }
    }
}

/// A ``ChallengeLedger`` in process memory (tests, a single relay process without a store).
public actor InMemoryChallengeLedger: ChallengeLedger {
    private var used = UsedChallenges()

    /// An empty ledger.
    public init() {}

    /// See ``ChallengeLedger/consume(_:nowMilliseconds:)``.
    public func consume(_ challenge: AuthChallenge, nowMilliseconds: UInt64) async throws -> Bool {
        used.insert(challenge, nowMilliseconds: nowMilliseconds)
    }
}
