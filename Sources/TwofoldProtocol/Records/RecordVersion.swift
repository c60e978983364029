/// A record's version: a hybrid logical clock reading plus the writing device
/// (Protocol/sync.md, "Versions"). The higher version wins, everywhere, deterministically.
public struct RecordVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// `(unix milliseconds << 16) | logical counter`.
    public let hlc: UInt64
    /// The device that wrote this version; breaks ties between equal clock readings.
    public let device: DeviceID

    /// Creates a version.
    public init(hlc: UInt64, device: DeviceID) {
        self.hlc = hlc
        self.device = device
    }

    /// The physical part of the clock, in Unix milliseconds.
    public var milliseconds: UInt64 { hlc >> 16 }

    /// Order by clock, then by device id bytes (Protocol/sync.md, "Merge rule").
    public static func < (lhs: RecordVersion, rhs: RecordVersion) -> Bool {
        if lhs.hlc != rhs.hlc { return lhs.hlc < rhs.hlc }
        return lhs.device < rhs.device
    }

    /// Text form: 16 hex digits of the clock, a dot, the device id.
    public var description: String {
        let clock = String(hlc, radix: 16)
        return String(repeating: "0", count: 16 - clock.count) + clock + "." + device.hex
    }

    /// Parses the text form of ``description``.
    public init(text: String) throws(ProtocolError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 16, let hlc = UInt64(parts[0], radix: 16),
              parts[0].allSatisfy(\.isHexDigit)
        else { throw .malformed(what: "record version", reason: "expected 16 hex digits, '.', device id") }
        self.init(hlc: hlc, device: try DeviceID(hex: String(parts[1])))
    }
}

/// A hybrid logical clock (Kulkarni et al.), one per device (Protocol/sync.md, "Versions").
///
/// Readings never go backwards even when the wall clock does, and a device that has seen
/// a version always writes a higher one afterwards.
public struct HybridLogicalClock: Sendable, Equatable {
    /// The last reading issued or observed.
    public private(set) var last: UInt64

    /// Starts from a stored reading (0 for a new device).
    public init(last: UInt64 = 0) { self.last = last }

    /// A reading for a local write at wall-clock time `nowMilliseconds`.
    public mutating func tick(nowMilliseconds: UInt64) -> UInt64 {
        let physical = nowMilliseconds << 16
        last = max(physical, last &+ 1)
        return last
    }

    /// Folds in a reading seen on a record from elsewhere, so later writes sort after it.
    public mutating func observe(_ remote: UInt64) {
        last = max(last, remote)
    }
}
