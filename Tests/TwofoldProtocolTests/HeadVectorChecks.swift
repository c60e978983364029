import Testing
import TwofoldCrypto
import TwofoldProtocol

/// `heads/`: parse the head, then run every check a device makes (Protocol/sync.md, "Heads").
enum HeadVectorChecks {
    @Sendable static func check(_ file: VectorFile) throws -> String {
        let account = try AccountID(hex: try file.string("account-id"))
        var signers: [DeviceID: [UInt8]] = [:]
        for line in file.values("signer") {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count == 2, let key = Hex.decode(parts[1]) else { throw VectorFileError(description: "\(file.path): bad signer") }
            signers[try DeviceID(hex: parts[0])] = key
        }
        let records = try file.values("record").map { try VectorFile.recordHeader(line: $0, account: account) }
        let seen = try file["seen-head"].map { try SignedHead(decoding: Hex.decode($0) ?? []) }
        do {
            let head = try SignedHead(decoding: try file.dataBytes())
            #expect(head.bytes == (try file.dataBytes()), "\(file.path): re-encoding")
            try HeadVerifier(account: account, signers: signers, highestSeen: seen).verify(head, records: records)
            return "success"
        } catch {
            return Layer.of(error)
        }
    }
}
