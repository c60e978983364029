import Foundation
import Testing

/// The relay going away, devices editing offline, daemons killed mid-sync: nothing is
/// lost and the devices converge (Protocol/daemon.md, "Retries"; Protocol/sync.md).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ResilienceTests {
    @Test func offlineEditsOnBothDevicesConvergeWhenTheRelayComesBack() async throws {
        try await offPool {
            let cluster = try Cluster()
            defer { cluster.tearDown() }
            try cluster.startSyncingDevices("a", "b")
            let shared = try cluster.add("a", issuer: "Shared", account: "one")
            let doomed = try cluster.add("a", issuer: "Doomed", account: "two")
            try cluster.waitForConvergence("a", "b")

            // The relay goes away; both devices keep working offline.
            cluster.stopRelay()
            var expected: Set<String> = [shared]
            for i in 0..<3 { expected.insert(try cluster.add("a", issuer: "OfflineA", account: "a\(i)")) }
            for i in 0..<3 { expected.insert(try cluster.add("b", issuer: "OfflineB", account: "b\(i)")) }
            try cluster.cli("a", ["edit", shared, "--note", "from a"])
            try cluster.cli("b", ["edit", shared, "--note", "from b, later"])
            try cluster.cli("b", ["remove", doomed])
            usleep(1_500_000)  // the daemons fail and back off meanwhile

            // It comes back on the same port: the daemons reconnect by themselves.
            try cluster.startRelay()
            let tokens = try cluster.waitForConvergence("a", "b", timeout: 30)
            check(Set(tokens.keys) == expected)
            check(tokens[shared]?.hasSuffix("from b, later") == true)  // the later edit wins
            let status = try unwrap(try cluster.json("a", ["status", "--json"]) as? [String: Any])
            check(status["pending"] as? Int == 0)
        }
    }

    @Test func daemonsKilledWhileSyncingLoseNothing() async throws {
        try await offPool {
            let cluster = try Cluster()
            defer { cluster.tearDown() }
            try cluster.startSyncingDevices("a", "b")

            var expected: Set<String> = []
            var generator = SystemRandomNumberGenerator()
            for round in 0..<16 {
                let writer = round % 2 == 0 ? "a" : "b"
                let victim = Bool.random(using: &generator) ? "a" : "b"
                expected.insert(try cluster.add(writer, issuer: "Round\(round)", account: writer))
                // SIGKILL at a random point of the sync the add started (0–60 ms in).
                usleep(UInt32.random(in: 0...60_000, using: &generator))
                cluster.crashDaemon(victim)
                if round % 3 == 0 { expected.insert(try cluster.add(victim, issuer: "WhileDown\(round)", account: victim)) }
                try cluster.startDaemon(victim)
            }
            let tokens = try cluster.waitForConvergence("a", "b", timeout: 30)
            check(Set(tokens.keys) == expected)
        }
    }
}
