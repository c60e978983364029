/// Open connections per client address and in total, and whether one more may open
/// (Protocol/relay-api.md, "Limits"): the decision of the connection gate, kept apart from
/// the channel so it can be tested alone.
public struct ConnectionCounts: Sendable, Equatable {
    /// What ``admit(_:)`` decided.
    public enum Decision: Sendable, Equatable {
        /// Counted; ``release(_:)`` it when it closes.
        case admitted
        /// Not counted: this address holds `connections-per-address` already.
        case tooManyFromAddress
        /// Not counted: the relay holds `connections` already.
        case tooMany
    }

    /// Connections one address key may hold.
    public let perAddress: Int
    /// Connections the relay may hold.
    public let total: Int
    /// Keys that are never limited per address (trusted proxies), counted in the total.
    public let exempt: Set<String>
    /// Open connections by key.
    public private(set) var byKey: [String: Int] = [:]
    /// Open connections.
    public private(set) var open = 0

    /// Empty counts under the given caps.
    public init(perAddress: Int, total: Int, exempt: Set<String> = []) {
        self.perAddress = perAddress
        self.total = total
        self.exempt = exempt
    }

    /// Counts a new connection from `key` if the caps allow it.
    public mutating func admit(_ key: String) -> Decision {
        guard open < total else { return .tooMany }
        let held = byKey[key, default: 0]
        guard held < perAddress || exempt.contains(key) else { return .tooManyFromAddress }
        byKey[key] = held + 1
        open += 1
        return .admitted
    }

    /// Forgets an admitted connection from `key` that closed.
    public mutating func release(_ key: String) {
        guard let held = byKey[key] else { return }
        if held <= 1 { byKey.removeValue(forKey: key) } else { byKey[key] = held - 1 }
        open -= 1
    }

    /// The total cap in force: the `connections` setting, but never so many that the
    /// process would run out of descriptors for its store, its listener and the answers it
    /// still owes: 256 descriptors are kept back, and at least 16 connections allowed.
    public static func effectiveTotal(setting: Int, descriptorLimit: Int) -> Int {
        max(16, min(setting, descriptorLimit - 256))
    }
}
