import Testing
import TwofoldCrypto
import TwofoldProtocol

/// `snapshots/`: open, compare the header and the record list, open every record.
enum SnapshotVectorChecks {
    @Sendable static func check(_ file: VectorFile) throws -> String {
        let account = try AccountID(hex: try file.string("account-id"))
        let key = try file.secret("vault-key")
        do {
            let (header, records) = try SnapshotCipher.open(try file.dataBytes(), account: account, key: key)
            #expect(header.id.hex == (try file.string("snapshot-id")), "\(file.path): id")
            #expect(header.epoch == (try file.number("epoch")), "\(file.path): epoch")
            #expect(header.createdMilliseconds == (try file.number("created-ms")), "\(file.path): created")
            let expected = try file.values("record").map { try VectorFile.recordHeader(line: $0, account: account) }
            #expect(records.map(\.header) == expected, "\(file.path): records")
            for record in records { _ = try RecordCipher.open(record, key: key) }
            return "success"
        } catch let error as VectorFileError {
            throw error
        } catch {
            return Layer.of(error)
        }
    }
}
