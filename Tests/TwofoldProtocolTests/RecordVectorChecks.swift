import Testing
import TwofoldCrypto
import TwofoldProtocol

/// `records/`: open with `vault-key` and the header's metadata, compare `payload`, then
/// decode the payload by kind (Protocol/crypto.md, "Sealed record").
enum RecordVectorChecks {
    @Sendable static func check(_ file: VectorFile) throws -> String {
        let header = try file.recordHeader()
        let key = try file.secret("vault-key")
        let record = SealedRecord(header: header, sealed: try file.dataBytes())
        do {
            let payload = try RecordCipher.open(record, key: key)
            if let expected = file["payload"] { #expect(Hex.encode(payload) == expected, "\(file.path): payload") }
            if !header.deleted {
                switch header.kind {
                case .token: _ = try TokenPayload.decode(payload)
                case .hotpCounter: try HOTPCounter.check(header, try CounterPayload(decoding: payload))
                case .roster: _ = try Roster.open(record, key: key)
                }
            }
            return "success"
        } catch {
            return Layer.of(error)
        }
    }
}
