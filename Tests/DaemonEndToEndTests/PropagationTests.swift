import Foundation
import Testing

/// Two real `twofoldd` processes on one loopback relay: changes on either device reach
/// the other through the push stream (Protocol/daemon.md).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct PropagationTests {
    @Test func addsEditsAndDeletesPropagateBothWays() async throws {
        try await offPool {
            let cluster = try Cluster()
            defer { cluster.tearDown() }
            try cluster.startSyncingDevices("a", "b")

            let fromA = try cluster.add("a", issuer: "GitHub", account: "alice")
            try cluster.waitUntil("A's add reaches B") { try cluster.tokens("b")[fromA] != nil }
            let fromB = try cluster.add("b", issuer: "GitLab", account: "bob")
            try cluster.waitUntil("B's add reaches A") { try cluster.tokens("a")[fromB] != nil }

            try cluster.cli("b", ["edit", fromA, "--note", "edited on b"])
            try cluster.waitUntil("B's edit reaches A") { try cluster.tokens("a")[fromA]?.hasSuffix("edited on b") == true }
            try cluster.cli("a", ["edit", fromB, "--account", "robert"])
            try cluster.waitUntil("A's edit reaches B") { try cluster.tokens("b")[fromB]?.hasPrefix("GitLab:robert") == true }

            try cluster.cli("a", ["remove", fromA])
            try cluster.waitUntil("A's delete reaches B") { try cluster.tokens("b")[fromA] == nil }
            try cluster.cli("b", ["remove", fromB])
            try cluster.waitUntil("B's delete reaches A") { try cluster.tokens("a").isEmpty }
            try check(try cluster.tokens("b").isEmpty)
        }
    }

    @Test func statusReportsTheDaemonAndTheLock() async throws {
        try await offPool {
            let cluster = try Cluster()
            defer { cluster.tearDown() }
            try cluster.startRelay()
            try cluster.createAccount("a", passphrase: "correct horse")

            var status = try unwrap(try cluster.json("a", ["status", "--json"]) as? [String: Any])
            check(status["daemon"] as? Bool == false)
            check(status["locked"] as? Bool == true)

            try cluster.startDaemon("a")
            status = try unwrap(try cluster.json("a", ["status", "--json"]) as? [String: Any])
            check(status["daemon"] as? Bool == true)

            // [DMN-1]: a second daemon for the same home refuses to start.
            let second = try cluster.registry.start(Cluster.binary("twofoldd"), ["--home", cluster.home("a")],
                                                    log: cluster.root.appendingPathComponent("second.log"))
            second.waitUntilExit()
            check(second.terminationStatus != 0)
            check(Cluster.canConnect(socket: cluster.home("a") + "/twofoldd.sock"))
            check(status["locked"] as? Bool == true)

            // Unlocked, the CLI asks the daemon for the key: no passphrase on standard input.
            let wrong = try cluster.cli("a", ["unlock", "--passphrase-stdin"], input: "wrong\n", check: false)
            check(wrong.status == 1)
            // Long enough for the next three commands even in a sanitized build, where each
            // `twofold` start costs far more than here.
            try cluster.cli("a", ["unlock", "--passphrase-stdin", "--timeout", "6s"], input: "correct horse\n")
            status = try unwrap(try cluster.json("a", ["status", "--json"]) as? [String: Any])
            check(status["locked"] as? Bool == false)
            let id = try cluster.add("a", issuer: "Example", account: "carol")
            try check(try cluster.tokens("a")[id] != nil)

            // The idle timeout locks it again; so does twofold lock.
            try cluster.waitUntil("the idle timeout locks the vault", timeout: 30) {
                (try cluster.json("a", ["status", "--json"]) as? [String: Any])?["locked"] as? Bool == true
            }
            try cluster.cli("a", ["unlock", "--passphrase-stdin"], input: "correct horse\n")
            try cluster.cli("a", ["lock"])
            status = try unwrap(try cluster.json("a", ["status", "--json"]) as? [String: Any])
            check(status["locked"] as? Bool == true)
            let refused = try cluster.cli("a", ["list"], check: false)
            check(refused.status != 0)

            cluster.stopDaemon("a")
            status = try unwrap(try cluster.json("a", ["status", "--json"]) as? [String: Any])
            check(status["daemon"] as? Bool == false)
            check(!FileManager.default.fileExists(atPath: cluster.home("a") + "/twofoldd.sock"))
        }
    }
}
