import Foundation
import Testing

/// HOTP codes taken at the same time on two online devices never share a counter: the
/// daemon confirms each counter with the relay before the code is shown
/// (Protocol/daemon.md, "HOTP codes").
@Suite(.serialized, .timeLimit(.minutes(3)))
struct HOTPTests {
    @Test func concurrentUseOnTwoDevicesNeverReusesACounter() async throws {
        try await offPool {
            let cluster = try Cluster()
            defer { cluster.tearDown() }
            try cluster.startSyncingDevices("a", "b")
            let id = try cluster.add("a", issuer: "Bank", account: "hotp", secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", hotp: true)
            try cluster.waitUntil("the HOTP token reaches B") { try cluster.tokens("b")[id] != nil }

            let perDevice = 6
            let codes = Codes()
            DispatchQueue.concurrentPerform(iterations: 2) { device in
                let name = device == 0 ? "a" : "b"
                for _ in 0..<perDevice {
                    if let output = try? cluster.cli(name, ["code", id]) {
                        codes.append(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
                    }
                }
            }
            let all = codes.all
            check(all.count == 2 * perDevice)
            // RFC 4226 codes for distinct counters of this secret differ (a collision among 12 counters has odds of about 1 in 15,000).
            check(Set(all).count == all.count, "a code was handed out twice: \(all.sorted())")
        }
    }
}

/// Codes collected from two threads.
final class Codes: @unchecked Sendable {
    private let lock = NSLock()
    private var codes: [String] = []
    func append(_ code: String) { lock.withLock { codes.append(code) } }
    var all: [String] { lock.withLock { codes } }
}
