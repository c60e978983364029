import Testing
import TwofoldProtocol

/// `merge/` and `hlc/` (Protocol/sync.md, "Merge rule", "Versions").
enum MergeVectorChecks {
    @Sendable static func check(_ file: VectorFile) throws -> String {
        let account = try AccountID(hex: try file.string("account-id"))
        let id = try RecordID(hex: try file.string("record-id"))
        let kind = RecordKind(rawValue: try file.number("kind"))!
        let copies = try file.dataLines.map { line -> SealedRecord in
            let p = line.split(separator: " ").map(String.init)
            guard p.count == 5, let hlc = UInt64(p[0], radix: 16), let epoch = UInt32(p[2]), let sealed = Hex.decode(p[4]) else {
                throw VectorFileError(description: "\(file.path): bad copy '\(line)'")
            }
            let header = RecordHeader(account: account, id: id, kind: kind,
                                      version: RecordVersion(hlc: hlc, device: try DeviceID(hex: p[1])), epoch: epoch, deleted: p[3] == "1")
            return SealedRecord(header: header, sealed: sealed)
        }
        let winnerIndex: Int = try file.number("winner")
        let expected = copies[winnerIndex - 1]
        // The same winner whatever order the copies arrive in.
        for shift in 0..<copies.count {
            let rotated = Array(copies[shift...] + copies[..<shift])
            #expect(Merge.winner(of: rotated) == expected, "\(file.path): rotation \(shift)")
            #expect(Merge.winner(of: rotated.reversed()) == expected, "\(file.path): reversed rotation \(shift)")
        }
        #expect(copies.reduce([SealedRecord]()) { Merge.merge($0, [$1]) } == [expected], "\(file.path): pairwise merge")
        return Merge.winner(of: copies) == expected ? "success" : "wrong winner"
    }

    @Sendable static func checkClock(_ file: VectorFile) throws -> String {
        var clock = HybridLogicalClock(last: try file.number("start", radix: 16))
        for line in file.dataLines {
            let p = line.split(separator: " ").map(String.init)
            guard p.count == 3, let expected = UInt64(p[2], radix: 16) else { throw VectorFileError(description: "\(file.path): bad event") }
            switch p[0] {
            case "tick":
                guard let now = UInt64(p[1]) else { throw VectorFileError(description: "\(file.path): bad time") }
                #expect(clock.tick(nowMilliseconds: now) == expected, "\(file.path): \(line)")
            case "observe":
                guard let remote = UInt64(p[1], radix: 16) else { throw VectorFileError(description: "\(file.path): bad reading") }
                clock.observe(remote)
                #expect(clock.last == expected, "\(file.path): \(line)")
            default:
                throw VectorFileError(description: "\(file.path): unknown event '\(p[0])'")
            }
        }
        return "success"
    }
}
