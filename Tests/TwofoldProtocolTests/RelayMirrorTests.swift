import Testing
@testable import TwofoldProtocol

@Suite struct RelayMirrorTests {
    let account = AccountID.random()
    let device = DeviceID.random()

    func header(_ id: RecordID, hlc: UInt64, epoch: UInt32 = 1, deleted: Bool = false) -> RecordHeader {
        RecordHeader(account: account, id: id, kind: .token, version: RecordVersion(hlc: hlc, device: device), epoch: epoch, deleted: deleted)
    }

    @Test func newerCopiesReplaceOlder() throws {
        let id = RecordID.random()
        var mirror = RelayMirror(account: account)
        try mirror.apply(header(id, hlc: 1))
        try mirror.apply(header(id, hlc: 2))
        try mirror.apply(header(id, hlc: 2, epoch: 2))
        try mirror.apply(header(id, hlc: 2, epoch: 2))   // the same copy again
        #expect(mirror.headers == [header(id, hlc: 2, epoch: 2)])
    }

    /// Pulling, step 2: the relay never stores an older copy over a newer one.
    @Test func olderCopiesAreRefused() throws {
        let id = RecordID.random()
        var mirror = RelayMirror(account: account)
        try mirror.apply(header(id, hlc: 5))
        #expect(throws: ProtocolError.rolledBackRecord(id)) { try mirror.apply(header(id, hlc: 4)) }
        #expect(throws: ProtocolError.rolledBackRecord(id)) { try mirror.apply(header(id, hlc: 5, deleted: true)) }
        var foreign = header(id, hlc: 9)
        foreign.account = .random()
        #expect(throws: ProtocolError.self) { try mirror.apply(foreign) }
        #expect(mirror.headers == [header(id, hlc: 5)])
    }

    @Test func headersFeedTheHeadCheck() throws {
        var mirror = RelayMirror(account: account)
        for i in 0..<5 { try mirror.apply(header(.random(), hlc: UInt64(i))) }
        #expect(mirror.headers.map(\.id) == mirror.headers.map(\.id).sorted())
        #expect(RecordSetDigest(mirror.headers).count == 5)
    }
}
