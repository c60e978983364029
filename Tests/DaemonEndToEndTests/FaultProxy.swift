import Foundation

/// A byte-level TCP proxy on loopback between devices and the relay, for fault injection
/// (README, "Reliability", "Fault injection"). It knows nothing of HTTP: it copies bytes
/// both ways, so long-lived push streams (server-sent events) pass through it like any
/// other connection. While ``faulty`` is true it cuts connections at random byte offsets
/// (a hard close with `SO_LINGER` 0, so the peer sees a reset, or a plain close) and delays
/// the relay's bytes; once it is false, connections are copied cleanly (those already cut
/// stay cut). Every random choice comes from one seeded generator.
final class FaultProxy: @unchecked Sendable {
    struct Settings {
        /// Chance that a new connection (or a direction of it) is cut at some byte offset.
        var cutProbability = 0.5
        /// The offset is uniform in 0...maxCutOffset bytes (per direction).
        var maxCutOffset = 3_000
        /// Chance that a chunk from the relay is held back before it is passed on.
        var delayProbability = 0.3
        /// How long a delayed chunk is held, uniform in 0...maxDelayMs.
        var maxDelayMs = 300
        /// Chance that a connection kept alive (a pooled connection, a push stream) is cut
        /// at a random point of each further chunk it carries.
        var cutPerChunk = 0.1
        /// Chance, every 200 ms, that an idle connection (a waiting push stream) is cut.
        var cutPerIdleTick = 0.05
    }

    let port: Int
    let upstreamPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private var rng: SeededGenerator
    private var _faulty = false
    private var _settings: Settings
    private var _cuts = 0
    private var _delays = 0
    private var _connections = 0
    private var _stopped = false
    private var open: Set<Int32> = []

    var faulty: Bool {
        get { lock.withLock { _faulty } }
        set { lock.withLock { _faulty = newValue } }
    }
    var cuts: Int { lock.withLock { _cuts } }
    var delays: Int { lock.withLock { _delays } }
    var connections: Int { lock.withLock { _connections } }

    init(upstreamPort: Int, seed: UInt64, settings: Settings = Settings()) throws {
        self.upstreamPort = upstreamPort
        rng = SeededGenerator(seed: seed)
        _settings = settings
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard ok, listen(listener, 128) == 0 else {
            close(listener)
            throw Cluster.Failure(description: "the fault proxy cannot listen: errno \(errno)")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        startAccepting()
    }

    private func startAccepting() {
        let thread = Thread { [self] in acceptLoop() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    deinit { stop() }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Closes the listener and every open connection.
    func stop() {
        let fds: Set<Int32> = lock.withLock {
            if _stopped { return [] }
            _stopped = true
            return open
        }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for fd in fds { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    // MARK: Internals

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            if lock.withLock({ _stopped }) { close(client); return }
            let thread = Thread { [self] in serve(client) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private struct Plan {
        var faulty: Bool
        var cutUp: Int?        // bytes device → relay before a cut
        var cutDown: Int?      // bytes relay → device before a cut
        var reset: Bool
    }

    private func plan() -> Plan {
        lock.withLock {
            _connections += 1
            guard _faulty else { return Plan(faulty: false, cutUp: nil, cutDown: nil, reset: Bool.random(using: &rng)) }
            let s = _settings
            var p = Plan(faulty: true, cutUp: nil, cutDown: nil, reset: Bool.random(using: &rng))
            if Double.random(in: 0..<1, using: &rng) < s.cutProbability {
                // Which way the cut falls: mostly in the answer (a push or pull whose outcome
                // the device does not learn), sometimes in the request.
                if Double.random(in: 0..<1, using: &rng) < 0.3 {
                    p.cutUp = Int.random(in: 0...s.maxCutOffset, using: &rng)
                } else {
                    p.cutDown = Int.random(in: 0...s.maxCutOffset, using: &rng)
                }
            }
            return p
        }
    }

    /// Whether to cut now: `perChunk` for a chunk, else an idle tick.
    private func cutNow(perChunk: Bool) -> Bool {
        lock.withLock {
            guard _faulty else { return false }
            return Double.random(in: 0..<1, using: &rng) < (perChunk ? _settings.cutPerChunk : _settings.cutPerIdleTick)
        }
    }

    private func offset(below n: Int) -> Int { lock.withLock { Int.random(in: 0..<max(n, 1), using: &rng) } }

    /// A delay for a chunk from the relay, in microseconds (0 for none), while faulty.
    private func delay() -> UInt32 {
        lock.withLock {
            guard _faulty, Double.random(in: 0..<1, using: &rng) < _settings.delayProbability else { return 0 }
            _delays += 1
            return UInt32(Int.random(in: 0..._settings.maxDelayMs, using: &rng) * 1000)
        }
    }

    private func serve(_ client: Int32) {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: upstreamPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else {
            // The relay is down: the device sees its connection refused as a reset.
            Self.hardClose(client)
            close(upstream)
            return
        }
        lock.withLock { open.formUnion([client, upstream]) }
        defer {
            lock.withLock { open.subtract([client, upstream]) }
        }
        var plan = plan()
        var sentUp = 0, sentDown = 0
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var fds = [pollfd(fd: client, events: Int16(POLLIN), revents: 0), pollfd(fd: upstream, events: Int16(POLLIN), revents: 0)]
        loop: while true {
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, 200)
            if ready < 0 { if errno == EINTR { continue }; break }
            if lock.withLock({ _stopped }) { break }
            // A connection planned while faulty becomes clean once the proxy is (its cut not yet reached).
            if plan.faulty && !faulty { plan = Plan(faulty: false, cutUp: nil, cutDown: nil, reset: plan.reset) }
            if ready == 0 {
                if cutNow(perChunk: false) {
                    lock.withLock { _cuts += 1 }
                    if plan.reset { Self.hardClose(client); Self.hardClose(upstream) } else { close(client); close(upstream) }
                    return
                }
                continue
            }
            for (index, (from, to)) in [(client, upstream), (upstream, client)].enumerated()
            where fds[index].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                let n = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
                if n <= 0 { break loop }
                var count = n
                var cutNow = false
                if index == 0, let cut = plan.cutUp, sentUp + count >= cut { count = max(0, cut - sentUp); cutNow = true }
                if index == 1, let cut = plan.cutDown, sentDown + count >= cut { count = max(0, cut - sentDown); cutNow = true }
                if !cutNow && self.cutNow(perChunk: true) { count = offset(below: count); cutNow = true }
                if index == 1 { let pause = delay(); if pause > 0 { usleep(pause) } }
                if count > 0 && !Self.writeAll(to, buffer, count) { break loop }
                if index == 0 { sentUp += count } else { sentDown += count }
                if cutNow {
                    lock.withLock { _cuts += 1 }
                    if plan.reset { Self.hardClose(client); Self.hardClose(upstream) } else { close(client); close(upstream) }
                    return
                }
            }
        }
        close(client)
        close(upstream)
    }

    private static func writeAll(_ fd: Int32, _ buffer: [UInt8], _ count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + offset, count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Closes with `SO_LINGER` 0: the peer gets a TCP reset instead of an orderly end.
    private static func hardClose(_ fd: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(fd)
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }
}

/// SplitMix64: a small seeded generator, so that a failing run can be replayed with its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
