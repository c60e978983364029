import TwofoldCrypto

extension Roster {
    /// Opens the account's roster record: checks it is the one kind-3 record at the
    /// roster's fixed id, then opens and decodes it (Protocol/crypto.md, "Roster").
    public static func open(_ record: SealedRecord, key: SecureBytes) throws(ProtocolError) -> Roster {
        let header = record.header
        guard header.kind == .roster, header.id == recordID(account: header.account) else {
            throw .bindingMismatch(what: "roster record \(header.id)", reason: "a roster lives only at the account's roster id")
        }
        guard !header.deleted else {
            throw .malformed(what: "roster record", reason: "the roster is never deleted")
        }
        return try Roster(decoding: try RecordCipher.open(record, key: key))
    }

    /// Seals this roster as the account's roster record.
    public func seal(account: AccountID, version: RecordVersion, epoch: UInt32, key: SecureBytes) throws(ProtocolError) -> SealedRecord {
        let header = RecordHeader(account: account, id: Self.recordID(account: account), kind: .roster,
                                  version: version, epoch: epoch, deleted: false)
        return try RecordCipher.seal(payload: encoded(), header: header, key: key)
    }
}
