import TwofoldProtocol
import TwofoldVault

extension Wire {
    /// Decodes canonical base64url or throws ``SyncError/invalidResponse(_:)`` naming `what`.
    static func bytes(_ text: String, _ what: String) throws(SyncError) -> [UInt8] {
        guard let bytes = Base64URL.decode(text) else { throw .invalidResponse("\(what) is not canonical base64url") }
        return bytes
    }

    static func id<Tag>(_ text: String, _ what: String) throws(SyncError) -> TwofoldID<Tag> {
        guard text.count == 32, text == text.lowercased(), let id = try? TwofoldID<Tag>(hex: text) else {
            throw .invalidResponse("\(what) is not 32 lowercase hex digits")
        }
        return id
    }

    static func signedHead(_ head: Head?) throws(SyncError) -> SignedHead? {
        guard let head else { return nil }
        do {
            return try SignedHead(decoding: try bytes(head.head, "head"))
        } catch let error as SyncError {
            throw error
        } catch {
            throw .rejected(String(describing: error))
        }
    }

    static func pulled(_ record: Record, account: AccountID) throws(SyncError) -> PulledRecord {
        guard let kind = RecordKind(rawValue: UInt8(clamping: record.kind)), record.kind >= 0 else {
            throw .invalidResponse("record \(record.record_id) has unknown kind \(record.kind)")
        }
        let version: RecordVersion
        do { version = try RecordVersion(text: record.version) } catch {
            throw .invalidResponse("record \(record.record_id) has a malformed version")
        }
        let header = RecordHeader(account: account, id: try id(record.record_id, "record_id"), kind: kind,
                                  version: version, epoch: record.epoch, deleted: record.deleted)
        return PulledRecord(record: SealedRecord(header: header, sealed: try bytes(record.sealed, "sealed")), seq: record.seq)
    }

    static func write(_ pending: PendingWrite) -> RecordWrite {
        let h = pending.record.header
        return RecordWrite(record_id: h.id.hex, kind: Int(h.kind.rawValue), version: h.version.description,
                           epoch: h.epoch, deleted: h.deleted, sealed: Base64URL.encode(pending.record.sealed),
                           expected_version: pending.expectedVersion?.description)
    }
}
