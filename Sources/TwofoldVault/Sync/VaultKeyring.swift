import TwofoldCrypto
import TwofoldProtocol

/// The vault keys of an unlocked vault, by epoch, for checking records as they arrive
/// (Protocol/sync.md, "Applying a pull": a record that fails authentication is never applied).
///
/// Sendable so that the sync engine's driver can carry it across tasks; the keys stay in
/// guarded memory.
public struct VaultKeyring: Sendable {
    /// The account whose records these keys open.
    public let account: AccountID
    let keys: [UInt32: SecureBytes]

    init(account: AccountID, keys: [UInt32: SecureBytes]) {
        self.account = account
        self.keys = keys
    }

    /// Epochs whose key this device holds.
    public var epochs: [UInt32] { keys.keys.sorted() }

    /// Opens `record` with the key of its epoch; throws
    /// ``ProtocolError/authenticationFailed(what:)`` for anything that does not open.
    public func open(_ record: SealedRecord) throws(ProtocolError) -> [UInt8] {
        guard let key = keys[record.header.epoch] else {
            throw .authenticationFailed(what: "record \(record.header.id) (sealed under epoch \(record.header.epoch), whose key this device does not hold)")
        }
        return try RecordCipher.open(record, key: key)
    }

    /// The key of `epoch`, for sealing grants and the roster.
    func key(_ epoch: UInt32) -> SecureBytes? { keys[epoch] }
}
