import Testing
import TwofoldCrypto
@testable import TwofoldProtocol

@Suite struct MergeTests {
    let account = AccountID.random()
    let devices = (0..<3).map { _ in DeviceID.random() }

    func copy(_ id: RecordID, hlc: UInt64, device: Int, epoch: UInt32 = 1, deleted: Bool = false) -> SealedRecord {
        SealedRecord(header: RecordHeader(account: account, id: id, kind: .token,
                                          version: RecordVersion(hlc: hlc, device: devices[device]), epoch: epoch, deleted: deleted),
                     sealed: SecureRandom.bytes(4))
    }

    func randomCopies(ids: [RecordID], count: Int) -> [SealedRecord] {
        (0..<count).map { _ in
            copy(ids[Int(SecureRandom.uniform(UInt32(ids.count)))], hlc: UInt64(SecureRandom.uniform(4)),
                 device: Int(SecureRandom.uniform(3)), epoch: 1 + SecureRandom.uniform(2), deleted: SecureRandom.uniform(2) == 1)
        }
    }

    /// The stamp order: hlc, then device id bytes, then epoch.
    @Test func stampOrder() {
        let low = try! DeviceID(bytes: [0] + [UInt8](repeating: 0xff, count: 15))
        let high = try! DeviceID(bytes: [1] + [UInt8](repeating: 0, count: 15))
        #expect(RecordStamp(version: RecordVersion(hlc: 1, device: high), epoch: 9) < RecordStamp(version: RecordVersion(hlc: 2, device: low), epoch: 1))
        #expect(RecordStamp(version: RecordVersion(hlc: 2, device: low), epoch: 9) < RecordStamp(version: RecordVersion(hlc: 2, device: high), epoch: 1))
        #expect(RecordStamp(version: RecordVersion(hlc: 2, device: low), epoch: 1) < RecordStamp(version: RecordVersion(hlc: 2, device: low), epoch: 2))
    }

    /// Replicas that saw the same copies in any order, in any grouping, agree.
    @Test func mergeIsCommutativeAssociativeAndIdempotent() {
        let ids = (0..<4).map { _ in RecordID.random() }
        for _ in 0..<50 {
            let a = randomCopies(ids: ids, count: 6), b = randomCopies(ids: ids, count: 6), c = randomCopies(ids: ids, count: 6)
            #expect(Merge.merge(a, b) == Merge.merge(b, a))
            #expect(Merge.merge(Merge.merge(a, b), c) == Merge.merge(a, Merge.merge(b, c)))
            #expect(Merge.merge(Merge.merge(a, b), b) == Merge.merge(a, b))
            #expect(Merge.merge(a + b + c, []) == Merge.merge((a + b + c).shuffled(), []))
        }
    }

    @Test func winnerHasTheHighestStamp() {
        let id = RecordID.random()
        let copies = [copy(id, hlc: 5, device: 0), copy(id, hlc: 7, device: 1, deleted: true), copy(id, hlc: 6, device: 2)]
        #expect(Merge.winner(of: copies) == copies[1])
        #expect(Merge.winner(of: [SealedRecord]()) == nil)
    }

    @Test func collisionsAreDetectedAndStillOrdered() {
        let id = RecordID.random()
        var a = copy(id, hlc: 5, device: 0), b = a
        a.sealed = [1]
        b.sealed = [2]
        #expect(Merge.isCollision(a, b))
        #expect(Merge.wins(b, over: a) && !Merge.wins(a, over: b))
        #expect(!Merge.isCollision(a, a))
    }

    /// After observing a remote reading, the next local write sorts after it.
    @Test func clockOrdersCausally() {
        var clock = HybridLogicalClock()
        let remote: UInt64 = (2_000_000_000_000 << 16) | 5
        clock.observe(remote)
        #expect(clock.tick(nowMilliseconds: 1_000) > remote)
        var backwards = HybridLogicalClock(last: 100 << 16)
        #expect(backwards.tick(nowMilliseconds: 50) == (100 << 16) + 1)
    }
}

@Suite struct HOTPCounterTests {
    let token = RecordID.random()
    let deviceA = DeviceID.random(), deviceB = DeviceID.random()

    @Test func nextIsTheMaximumOfInitialAndEveryDevice() {
        let counters = [CounterPayload(token: token, next: 7), CounterPayload(token: token, next: 12), CounterPayload(token: .random(), next: 99)]
        #expect(HOTPCounter.next(for: token, initial: 5, counters: counters) == 12)
        #expect(HOTPCounter.next(for: token, initial: 20, counters: counters) == 20)
        #expect(HOTPCounter.next(for: token, initial: 3, counters: []) == 3)
    }

    @Test func ownCounterOnlyGrows() {
        let own = CounterPayload(token: token, next: 10)
        #expect(HOTPCounter.afterUsing(12, token: token, own: own).next == 13)
        #expect(HOTPCounter.afterUsing(4, token: token, own: own).next == 10)
        #expect(HOTPCounter.afterUsing(0, token: token, own: nil).next == 1)
    }

    @Test func aCounterRecordBelongsToItsWriter() throws {
        let payload = CounterPayload(token: token, next: 4)
        func header(id: RecordID, writer: DeviceID) -> RecordHeader {
            RecordHeader(account: .random(), id: id, kind: .hotpCounter, version: RecordVersion(hlc: 1, device: writer), epoch: 1, deleted: false)
        }
        try HOTPCounter.check(header(id: CounterPayload.recordID(token: token, device: deviceA), writer: deviceA), payload)
        #expect(throws: ProtocolError.self) {
            try HOTPCounter.check(header(id: CounterPayload.recordID(token: token, device: deviceB), writer: deviceA), payload)
        }
    }
}
