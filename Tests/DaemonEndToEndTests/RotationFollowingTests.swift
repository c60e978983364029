import Foundation
import Testing

/// A daemon follows a key rotation made by another device (Protocol/devices.md,
/// "Revocation and key rotation"): it fetches its new grant, re-seals its unpushed edits,
/// and changes keep flowing both ways; the revoked device's daemon is refused.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct RotationFollowingTests {
    @Test func daemonsFollowARevocationAndTheRevokedOneIsRefused() async throws {
        try await offPool {
            let cluster = try Cluster()
            defer { cluster.tearDown() }
            try cluster.startSyncingDevices("a", "b", "c")
            let before = try cluster.add("a", issuer: "GitHub", account: "alice")
            try cluster.waitUntil("A's add reaches B and C") {
                try cluster.tokens("b")[before] != nil && cluster.tokens("c")[before] != nil
            }

            // C is lost; B revokes it. A's and B's daemons move to epoch 2.
            let status = try cluster.json("c", ["status", "--json"]) as? [String: Any]
            let lost = status?["device_id"] as? String ?? ""
            try check(!lost.isEmpty)
            try cluster.cli("b", ["devices", "revoke", lost])

            let afterOnB = try cluster.add("b", issuer: "AfterOnB", account: "x")
            try cluster.waitUntil("B's add after the rotation reaches A") { try cluster.tokens("a")[afterOnB] != nil }
            let afterOnA = try cluster.add("a", issuer: "AfterOnA", account: "y")
            try cluster.waitUntil("A's add after the rotation reaches B") { try cluster.tokens("b")[afterOnA] != nil }
            try check(try cluster.tokens("a") == cluster.tokens("b"))

            // C's daemon is refused and never receives what was written after.
            try cluster.waitUntil("C's daemon reports the revocation") {
                let text = try cluster.cli("c", ["status"], check: false).stdout
                return text.contains("revoked") || text.contains("removed")
            }
            try check(try cluster.tokens("c")[afterOnA] == nil && cluster.tokens("c")[afterOnB] == nil)
        }
    }
}
