/// Everything that orders two copies of one record (Protocol/sync.md, "Merge rule"):
/// the version (HLC, then device id), then the epoch.
///
/// The epoch comes last because a key rotation re-seals a record without changing its
/// version: the re-sealed copy must beat the old one, but must not beat a real edit made
/// concurrently elsewhere (which carries a higher version).
public struct RecordStamp: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// HLC and writing device.
    public var version: RecordVersion
    /// Key epoch of the ciphertext.
    public var epoch: UInt32

    /// Creates a stamp.
    public init(version: RecordVersion, epoch: UInt32) {
        self.version = version
        self.epoch = epoch
    }

    /// The stamp of a record header.
    public init(_ header: RecordHeader) {
        self.init(version: header.version, epoch: header.epoch)
    }

    /// Lexicographic: hlc, device id bytes, epoch.
    public static func < (lhs: RecordStamp, rhs: RecordStamp) -> Bool {
        if lhs.version != rhs.version { return lhs.version < rhs.version }
        return lhs.epoch < rhs.epoch
    }

    /// `<hlc hex>.<device id>@<epoch>`.
    public var description: String { "\(version)@\(epoch)" }
}
