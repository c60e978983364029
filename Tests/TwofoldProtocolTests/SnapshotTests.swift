import Testing
import TwofoldCrypto
@testable import TwofoldProtocol

@Suite struct SnapshotTests {
    let account = AccountID.random()
    let key = SecureBytes.random(count: 32)

    func records(_ count: Int, epoch: UInt32 = 1) throws -> [SealedRecord] {
        try (0..<count).map { i in
            let header = RecordHeader(account: account, id: .random(), kind: .token,
                                      version: RecordVersion(hlc: UInt64(i), device: .random()), epoch: epoch, deleted: false)
            return try RecordCipher.seal(payload: [UInt8](repeating: UInt8(i), count: 40), header: header, key: key)
        }
    }

    @Test func roundTripSortsRecords() throws {
        let header = SnapshotHeader(id: .random(), epoch: 1, createdMilliseconds: 1_767_225_600_000)
        let input = try records(20)
        let sealed = try SnapshotCipher.seal(input, header: header, account: account, key: key)
        #expect(Array(sealed.prefix(29)) == header.encoded)
        let (read, output) = try SnapshotCipher.open(sealed, account: account, key: key)
        #expect(read == header)
        #expect(output == input.sorted { $0.header.id < $1.header.id })
    }

    /// Images are padded to max(4096, next power of two above their length).
    @Test func bucketSizes() throws {
        #expect(SnapshotCipher.bucket(forImageLength: 0) == 4096)
        #expect(SnapshotCipher.bucket(forImageLength: 4095) == 4096)
        #expect(SnapshotCipher.bucket(forImageLength: 4096) == 8192)
        let header = SnapshotHeader(id: .random(), epoch: 1, createdMilliseconds: 0)
        let sealed = try SnapshotCipher.seal(try records(30), header: header, account: account, key: key)
        #expect(sealed.count == 29 + 24 + 16384 + 16)
    }

    @Test func writerRefusesRecordsOfAnotherEpoch() throws {
        let header = SnapshotHeader(id: .random(), epoch: 2, createdMilliseconds: 0)
        #expect(throws: ProtocolError.self) { try SnapshotCipher.seal(try records(2, epoch: 1), header: header, account: account, key: key) }
    }

    /// `AD = "twofold/snapshot/v1" || account_id || snapshot_id || epoch || created_ms`.
    @Test func associatedDataLayout() {
        let header = SnapshotHeader(id: .random(), epoch: 0x0a0b0c0d, createdMilliseconds: 0x0102030405060708)
        #expect(header.associatedData(account: account)
                == Array("twofold/snapshot/v1".utf8) + account.bytes + header.id.bytes + [10, 11, 12, 13] + [1, 2, 3, 4, 5, 6, 7, 8])
    }

    @Test func oversizedSnapshotIsRefused() {
        var huge = SnapshotHeader(id: .random(), epoch: 1, createdMilliseconds: 0).encoded
        huge += [UInt8](repeating: 0, count: SnapshotCipher.maximumLength + 1 - huge.count)
        #expect(throws: ProtocolError.self) { try SnapshotCipher.open(huge, account: account, key: key) }
    }
}
