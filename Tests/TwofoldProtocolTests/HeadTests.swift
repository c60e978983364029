import Testing
import TwofoldCrypto
@testable import TwofoldProtocol

@Suite struct HeadTests {
    let account = AccountID.random()
    let signerID = DeviceID.random()
    let signer = Ed25519KeyPair.generate()

    func record(_ hlc: UInt64, deleted: Bool = false, epoch: UInt32 = 1) -> RecordHeader {
        RecordHeader(account: account, id: .random(), kind: .token, version: RecordVersion(hlc: hlc, device: signerID),
                     epoch: epoch, deleted: deleted)
    }

    /// `set_digest = BLAKE2b-256("twofold/head-set/v1" || entries sorted by record_id)`.
    @Test func setDigestLayout() {
        let records = [record(5), record(6, deleted: true), record(7)]
        var input = Array("twofold/head-set/v1".utf8)
        for r in records.sorted(by: { $0.id < $1.id }) {
            input += r.id.bytes + [r.kind.rawValue]
            input += (0..<8).reversed().map { UInt8(truncatingIfNeeded: r.version.hlc >> UInt64($0 * 8)) }
            input += r.version.device.bytes + [0, 0, 0, 1] + [r.deleted ? 1 : 0]
        }
        let digest = RecordSetDigest(records)
        #expect(digest.digest == BLAKE2b.hash(input, outputLength: 32))
        #expect(digest.count == 3)
        #expect(RecordSetDigest(records.reversed()) == digest)
    }

    /// `body = 0x01 || account_id || counter || epoch || record_count || set_digest || signer`,
    /// signed over `"twofold/head/v1" || body`.
    @Test func bodyLayoutAndSignature() throws {
        let records = [record(1), record(2)]
        let signed = Head(account: account, counter: 0x0102030405060708, epoch: 9, records: records, signer: signerID).signed(with: signer)
        let body = [0x01] + account.bytes + [1, 2, 3, 4, 5, 6, 7, 8] + [0, 0, 0, 9] + [0, 0, 0, 2]
            + RecordSetDigest(records).digest + signerID.bytes
        #expect(signed.bytes.count == 145)
        #expect(Array(signed.bytes.prefix(81)) == body)
        #expect(Ed25519KeyPair.verify(signature: Array(signed.bytes.suffix(64)), message: Array("twofold/head/v1".utf8) + body,
                                      publicKey: signer.publicKey))
        #expect(try SignedHead(decoding: signed.bytes) == signed)
    }

    @Test func verifierAcceptsNewerAndRefusesOlderOrForked() throws {
        let records = [record(1)]
        let verifier = { (seen: SignedHead?) in HeadVerifier(account: account, signers: [signerID: signer.publicKey], highestSeen: seen) }
        let h1 = Head(account: account, counter: 1, epoch: 1, records: records, signer: signerID).signed(with: signer)
        let h2 = Head(account: account, counter: 2, epoch: 1, records: records, signer: signerID).signed(with: signer)
        let h2b = Head(account: account, counter: 2, epoch: 1, records: [], signer: signerID).signed(with: signer)
        try verifier(nil).verify(h1, records: records)
        try verifier(h1).verify(h2, records: records)
        try verifier(h2).verify(h2, records: records)
        #expect(throws: ProtocolError.staleHead(seen: 2, received: 1)) { try verifier(h2).verify(h1, records: records) }
        #expect(throws: ProtocolError.forkedHead(counter: 2)) { try verifier(h2).verify(h2b, records: []) }
    }

    @Test func checksRunInTheSpecifiedOrder() throws {
        let records = [record(1)]
        let stranger = DeviceID.random()
        // Wrong account and unknown signer and bad signature: the account is reported first.
        let foreign = Head(account: .random(), counter: 1, epoch: 1, records: records, signer: stranger).signed(with: signer)
        let verifier = HeadVerifier(account: account, signers: [signerID: signer.publicKey], highestSeen: nil)
        #expect(throws: ProtocolError.self) { try verifier.verify(foreign, records: records) }
        do { try verifier.verify(foreign, records: records) } catch {
            guard case .bindingMismatch = error else { Issue.record("expected binding first, got \(error)"); return }
        }
        let unknown = Head(account: account, counter: 1, epoch: 1, records: records, signer: stranger).signed(with: signer)
        #expect(throws: ProtocolError.unknownSigner(stranger)) { try verifier.verify(unknown, records: records) }
        let wrongSet = Head(account: account, counter: 1, epoch: 1, records: records, signer: signerID).signed(with: signer)
        #expect(throws: ProtocolError.self) { try verifier.verify(wrongSet, records: records + [record(9)]) }
        #expect(throws: ProtocolError.self) { try verifier.verify(wrongSet, records: records + records) }
    }

    @Test func parserRefusesOtherLengthsAndVersions() {
        let signed = Head(account: account, counter: 1, epoch: 1, records: [], signer: signerID).signed(with: signer)
        var v0 = signed.bytes
        v0[0] = 0
        #expect(throws: ProtocolError.unsupportedVersion(what: "head", version: 0)) { try SignedHead(decoding: v0) }
        #expect(throws: ProtocolError.self) { try SignedHead(decoding: signed.bytes + [0]) }
        #expect(throws: ProtocolError.self) { try SignedHead(decoding: []) }
    }
}
