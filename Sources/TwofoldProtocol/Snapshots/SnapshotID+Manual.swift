/// Snapshots taken by hand (Protocol/sync.md, "Snapshots", "Retention"): their id starts
/// with the four bytes `68 61 6e 64` ("hand") and 12 random bytes follow, so every device
/// running retention keeps them apart from the schedule's without opening them. A
/// scheduled snapshot's id is 16 random bytes; one that starts with the marker by chance
/// (one in 2^32) is treated as taken by hand, which only keeps it longer.
extension TwofoldID where Tag == SnapshotTag {
    /// The marker a hand-taken snapshot's id starts with.
    public static var manualMarker: [UInt8] { Array("hand".utf8) }

    /// A fresh id for a snapshot taken by hand.
    public static func randomManual() -> SnapshotID {
        let random = SnapshotID.random().bytes
        // Cannot fail: 4 + 12 bytes is an id's length.
        return try! SnapshotID(bytes: manualMarker + random.suffix(12))
    }

    /// True for a snapshot taken by hand.
    public var isManual: Bool { Array(bytes.prefix(4)) == Self.manualMarker }
}
