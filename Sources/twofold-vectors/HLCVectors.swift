import TwofoldProtocol

/// `hlc/`: the hybrid logical clock (Protocol/sync.md, "Versions").
///
/// Header: `start`, the clock's stored reading (16 hex digits). Data: one event per line,
/// `tick <wall-clock ms, decimal> <reading, 16 hex>` (a local write and the hlc it gets) or
/// `observe <remote hlc, 16 hex> <reading after, 16 hex>` (a record received).
enum HLCVectors: VectorFamily {
    static let directory = "hlc"
    typealias F = Fixtures

    enum Event { case tick(UInt64), observe(UInt64) }

    static func vector(_ name: String, _ comment: String, start: UInt64, _ events: [Event]) -> VectorFile {
        var clock = HybridLogicalClock(last: start)
        var data = ""
        for event in events {
            switch event {
            case .tick(let now):
                data += "tick \(now) \(F.hex16(clock.tick(nowMilliseconds: now)))\n"
            case .observe(let remote):
                clock.observe(remote)
                data += "observe \(F.hex16(remote)) \(F.hex16(clock.last))\n"
            }
        }
        return F.file("\(directory)/\(name)", "success", comment, [.init("start", F.hex16(start))], data: data)
    }

    static func files() -> [VectorFile] {
        let t = F.now
        return [
            vector("wall-clock", "each write in a later millisecond takes the wall clock, logical 0", start: 0,
                   [.tick(t), .tick(t + 1), .tick(t + 1000)]),
            vector("same-millisecond", "writes in one millisecond count up the logical part", start: 0,
                   [.tick(t), .tick(t), .tick(t), .tick(t + 1)]),
            vector("clock-back", "the wall clock steps back 5 s: readings keep rising from the last one", start: F.hlc(t, 4),
                   [.tick(t - 5000), .tick(t - 4999), .tick(t + 1)]),
            vector("observe-ahead", "a record from a device 2 s ahead: the next local write sorts after it", start: F.hlc(t),
                   [.observe(F.hlc(t + 2000, 7)), .tick(t + 10), .tick(t + 2001)]),
            vector("observe-behind", "an older remote reading changes nothing", start: F.hlc(t, 3),
                   [.observe(F.hlc(t - 10, 50)), .tick(t)]),
            vector("logical-carry", "logical 0xffff in the same millisecond carries into the millisecond part", start: F.hlc(t, 0xffff),
                   [.tick(t), .tick(t)]),
        ]
    }
}
