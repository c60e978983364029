import Testing
import TwofoldCrypto
@testable import TwofoldProtocol

/// Properties of record sealing that single vectors cannot show (Protocol/crypto.md, "Sealed record").
@Suite struct SealedRecordTests {
    let key = SecureBytes.random(count: 32)
    let header = RecordHeader(account: .random(), id: .random(), kind: .token,
                              version: RecordVersion(hlc: 1, device: .random()), epoch: 1, deleted: false)

    @Test func everySealHasAFreshNonce() throws {
        let payload = [UInt8](repeating: 1, count: 40)
        let nonces = try (0..<100).map { _ in Array(try RecordCipher.seal(payload: payload, header: header, key: key).sealed[1..<25]) }
        #expect(Set(nonces).count == 100)
    }

    @Test func bucketsArePowersOfTwoFrom256() throws {
        for (length, bucket) in [(0, 256), (255, 256), (256, 512), (511, 512), (512, 1024), (5000, 8192)] {
            let sealed = try RecordCipher.seal(payload: [UInt8](repeating: 7, count: length), header: header, key: key)
            #expect(sealed.sealed.count == bucket + 41, "payload \(length)")
            #expect(try RecordCipher.open(sealed, key: key).count == length)
        }
    }

    /// Only kinds 1–3 exist; a snapshot entry of kind 4 is refused.
    @Test func unknownKindIsRefused() throws {
        #expect(RecordKind(rawValue: 0) == nil && RecordKind(rawValue: 4) == nil)
        let record = try RecordCipher.seal(payload: [1], header: header, key: key)
        var image = SnapshotImage.encode([record])
        image[5 + 16] = 4
        #expect(throws: ProtocolError.self) { try SnapshotImage.decode(image, account: header.account, epoch: 1) }
    }
}
