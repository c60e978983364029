import Foundation

/// The `devices` command (scripts/bench-load): COUNT simulated devices on one relay for a
/// bounded time, each holding a push stream open, pulling and writing, then a report of what
/// they did, what failed and how long it took.
///
/// Devices are grouped into accounts of `perAccount`, linked the way the relay sees
/// `twofold link`, so that one device's write reaches the others' push streams and their
/// heads can collide. Every device connects from a loopback address of its own
/// (`LoadConnection`), so the relay's per-address limits apply per device as they would on the
/// internet, and the relay can run with its default limits. One thread per device (blocking
/// sockets, `poll` on the stream): simple, and at well under one request a second per device
/// the threads mostly sleep.
struct DeviceLoad {
    let port: Int
    let count: Int
    let seconds: Double
    let perAccount: Int
    /// Mean seconds between a device's periodic pulls (it also pulls on every push event).
    let pullSeconds: Double
    /// Mean seconds between a device's writes.
    let writeSeconds: Double
    /// Records per write.
    let batch = 2
    /// After the run, how long devices keep reading their streams (no requests), so that the
    /// events of writes answered just before the end are still counted.
    let drainSeconds = 2.0

    /// Sets up the accounts, runs the load and prints the report; "result NAME VALUE" lines
    /// at the end are for the script.
    func run() throws {
        try raiseDescriptorLimit(need: 2 * count + 64)
        let devices = (0..<count).map { SimulatedDevice(index: $0, port: port) }
        let accounts = stride(from: 0, to: count, by: perAccount).map { Array(devices[$0..<min($0 + perAccount, count)]) }

        // Set up, not measured: accounts and links, a few accounts at a time.
        let setupStart = monotonicNs()
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: accounts.count) { i in
            guard failures.first == nil else { return }
            do {
                let members = accounts[i]
                try members[0].createAccount()
                for device in members.dropFirst() { try device.link(into: members[0]) }
            } catch {
                failures.add("\(error)")
            }
        }
        if let failure = failures.first { throw LoadError("setting up: \(failure)") }
        log("\(count) devices in \(accounts.count) accounts set up in \(String(format: "%.1f", Double(monotonicNs() - setupStart) / 1e9)) s")

        // Every device opens its stream; the clock starts once they all have (or failed to).
        let gate = StartGate()
        let done = DispatchGroup()
        for device in devices {
            done.enter()
            let thread = Thread {
                device.openStream()
                let start = gate.arriveAndWait()
                device.run(startNs: start, deadlineNs: start + nanoseconds(seconds), drainNs: start + nanoseconds(seconds + drainSeconds),
                           pullSeconds: pullSeconds, writeSeconds: writeSeconds, batch: batch)
                done.leave()
            }
            thread.stackSize = 1 << 19
            thread.start()
        }
        gate.waitFor(count)
        let open = devices.filter { !$0.tally.streamDropped }.count
        log("\(open) of \(count) push streams open; running for \(Int(seconds)) s")
        gate.start(at: monotonicNs())
        done.wait()
        report(devices: devices, accounts: accounts)
    }

    private func report(devices: [SimulatedDevice], accounts: [[SimulatedDevice]]) {
        var requests: [String: Int] = [:], errors: [String: Int] = [:]
        var pulls: [Double] = [], writes: [Double] = [], conflicts = 0
        for d in devices {
            requests.merge(d.tally.requests, uniquingKeysWith: +)
            errors.merge(d.tally.errors, uniquingKeysWith: +)
            pulls += d.tally.pullMs
            writes += d.tally.writeMs
            conflicts += d.tally.headConflicts
        }
        // Push delivery: every accepted write should reach every other device of its account
        // whose stream stayed up, as an event with the write's seq; the time is from just
        // before the write's POST until that device read the event.
        var push: [Double] = [], expected = 0, missing = 0
        for members in accounts {
            for writer in members {
                for w in writer.tally.writes {
                    for other in members where other !== writer && !other.tally.streamDropped {
                        expected += 1
                        if let e = other.tally.events.first(where: { $0.seq == w.seq }) {
                            push.append(Double(e.atNs &- w.sentNs) / 1e6)
                        } else {
                            missing += 1
                        }
                    }
                }
            }
        }
        if missing > 0 { errors["push: event missing", default: 0] += missing }
        let errorCount = errors.values.reduce(0, +)
        let s = seconds

        print("devices: \(count) (\(accounts.count) accounts of up to \(perAccount)), each from its own loopback address")
        print("run: \(Int(s)) s after all streams opened; a pull every ~\(fmt(pullSeconds)) s and on every push event, "
              + "a batch of \(batch) new records every ~\(fmt(writeSeconds)) s (head compare-and-swap)")
        print("requests: " + requests.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
              + " (\(fmt(Double(requests["pull", default: 0] + requests["write", default: 0]) / s)) req/s)")
        print("head conflicts: \(conflicts) (409 head_conflict, the documented answer to a stale head: the device pulled and wrote again)")
        print("errors: \(errorCount)" + (errors.isEmpty ? "" : " — " + errors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")))
        print("pull latency (GET /v1/records, one page): " + latencies(pulls))
        print("write latency (POST /v1/records): " + latencies(writes))
        print("push delivery (POST sent until another device's stream read the event): " + latencies(push)
              + ", \(push.count) of \(expected) deliveries seen")
        print("result errors \(errorCount)")
        print("result pulls \(requests["pull", default: 0])")
        print("result writes \(requests["write", default: 0])")
        print("result conflicts \(conflicts)")
        print("result pull_p50_ms \(fmt(percentile(pulls, 0.5)))")
        print("result pull_p99_ms \(fmt(percentile(pulls, 0.99)))")
        print("result write_p50_ms \(fmt(percentile(writes, 0.5)))")
        print("result write_p99_ms \(fmt(percentile(writes, 0.99)))")
        print("result push_p99_ms \(fmt(percentile(push, 0.99)))")
        fflush(nil)
    }

    private func latencies(_ ms: [Double]) -> String {
        guard !ms.isEmpty else { return "none" }
        return "p50 \(fmt(percentile(ms, 0.5))) ms, p99 \(fmt(percentile(ms, 0.99))) ms, max \(fmt(ms.max() ?? 0)) ms (\(ms.count))"
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// The value at quantile `q` of `values` (nearest rank); 0 for none.
func percentile(_ values: [Double], _ q: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
}

/// A number for the report: whole numbers as they are, others with two decimals below 10 and
/// one above (sub-millisecond latencies need the second).
func fmt(_ x: Double) -> String {
    x == x.rounded() ? String(Int(x)) : String(format: x < 10 ? "%.2f" : "%.1f", x)
}

/// Raises the descriptor limit to the hard limit; throws when even that is below `need`.
func raiseDescriptorLimit(need: Int) throws {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    guard limit.rlim_cur == rlim_t.max || Int(limit.rlim_cur) > need else {
        throw LoadError("this needs \(need) file descriptors, more than \(limit.rlim_cur) (ulimit -Hn)")
    }
}

/// Set-up failures from several threads; the first one is reported.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    var first: String? { lock.withLock { list.first } }
    func add(_ failure: String) { lock.withLock { list.append(failure) } }
}
