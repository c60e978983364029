import GRDB
import TwofoldProtocol

extension Vault {
    /// The highest `next_counter` that any device other than this one has recorded for the
    /// HOTP token `id` (0 when none has): the daemon's online HOTP reservation uses it to
    /// check, after its counter record reached the relay, that no other device already
    /// covered the counter it is about to show (Protocol/daemon.md, "HOTP codes").
    public func otherDevicesNextCounter(id: RecordID) throws(VaultError) -> UInt64 {
        let counters = try store.read { db in try VaultStore.fetchRecords(kind: .hotpCounter, account: self.metadata.account, db) }
        var highest: UInt64 = 0
        for record in counters where !record.header.deleted && record.header.version.device != metadata.device {
            let payload: CounterPayload
            do {
                payload = try CounterPayload(decoding: try open(record))
            } catch let error as VaultError {
                throw error
            } catch {
                throw .corruptRecord(id: record.header.id.hex, reason: String(describing: error))
            }
            if payload.token == id { highest = max(highest, payload.next) }
        }
        return highest
    }
}
