import Foundation
import Testing

/// `twofoldd` at its default level (notice) says when the relay fails and when it works
/// again, once per change, with the one-line reason (issue 20: it logged nothing, and
/// `doctor` sent people to an empty journal); and it keeps retrying after any failure.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct RelayFailureLogTests {
    @Test func relayFailuresAreLoggedOncePerChangeAtNotice() async throws {
        try await offPool {
            let cluster = try Cluster()
            defer { cluster.tearDown() }
            try cluster.startRelay()
            try cluster.createAccount("a")
            try cluster.startDaemon("a", extra: ["--log-level", "notice"])
            let log = cluster.root.appendingPathComponent("a-daemon.log")
            func lines(_ text: String) -> Int {
                ((try? String(contentsOf: log, encoding: .utf8)) ?? "").components(separatedBy: "\n").filter { $0.contains(text) }.count
            }
            cluster.stopRelay()
            _ = try cluster.add("a", issuer: "Offline", account: "one")
            try cluster.waitUntil("the failure is logged", timeout: 20) { lines("relay failure: cannot reach the relay") >= 1 }
            // Retries every second or so (--retry-max 1s) meanwhile: still one line.
            _ = try cluster.add("a", issuer: "Offline", account: "two")
            usleep(3_000_000)
            let text = { ((try? String(contentsOf: log, encoding: .utf8)) ?? "").components(separatedBy: "\n").filter { $0.contains("relay") }.joined(separator: "\n") }
            check(lines("relay failure:") == 1, text())
            try cluster.startRelay()
            try cluster.waitUntil("the recovery is logged", timeout: 30) { lines("the relay works again") == 1 }
            check(lines("relay failure:") == 1, text())
            let status = try unwrap(try cluster.json("a", ["status", "--json"]) as? [String: Any])
            check(status["pending"] as? Int == 0)
        }
    }
}
