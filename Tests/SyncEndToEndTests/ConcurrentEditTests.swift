import Foundation
import Testing

/// Concurrent edits of one token with real `twofold` and `twofold-relay` processes
/// (Protocol/sync.md, "Concurrent edits"; issue 16, "Done when").
@Suite("Concurrent edits end to end", .serialized)
struct ConcurrentEditTests {
    /// A and B share one token, synced.
    func pair() throws -> (Lab, Device, Device) {
        let lab = try Lab()
        let (a, b, _, _) = try lab.pair()
        #expect(try a.run(["add", "--issuer", "Bank", "--account", "alice", "--secret", "JBSWY3DPEHPK3PXP"]).status == 0)
        #expect(try a.run(["edit", "Bank", "--note", "old", "--tag", "money"]).status == 0)
        for device in [a, b] { #expect(try device.run(["sync"]).status == 0) }
        return (lab, a, b)
    }

    func conflicts(_ device: Device) throws -> [[String: Any]] {
        let out = try device.run(["conflicts", "--json"]).stdout
        return (try JSONSerialization.jsonObject(with: Data(out.utf8))) as? [[String: Any]] ?? []
    }

    func list(_ device: Device) throws -> [[String: Any]] {
        let out = try device.run(["list", "--json"]).stdout
        return (try JSONSerialization.jsonObject(with: Data(out.utf8))) as? [[String: Any]] ?? []
    }

    @Test func differentFieldsEditedOfflineBothSurvive() throws {
        let (lab, a, b) = try pair()
        _ = lab
        #expect(try a.run(["edit", "Bank", "--issuer", "Big Bank"]).status == 0)
        #expect(try b.run(["edit", "Bank", "--note", "from b"]).status == 0)
        for device in [a, b, a] { #expect(try device.run(["sync"]).status == 0) }
        #expect(try a.tokens() == ["Big Bank:alice:from b"])
        #expect(try b.tokens() == ["Big Bank:alice:from b"])
        #expect(try conflicts(a).isEmpty && conflicts(b).isEmpty)
        #expect(try b.json(["status", "--json"])["conflicts"] as? Int == 0)
    }

    @Test func theSameFieldHasOneWinnerEverywhereAndAResolvableConflictWhereItLost() throws {
        let (lab, a, b) = try pair()
        _ = lab
        #expect(try b.run(["edit", "Bank", "--note", "from b, earlier"]).status == 0)
        usleep(20_000)
        #expect(try a.run(["edit", "Bank", "--note", "from a, later"]).status == 0)
        for device in [a, b, a] { #expect(try device.run(["sync"]).status == 0) }
        #expect(try a.tokens() == ["Bank:alice:from a, later"])
        #expect(try b.tokens() == ["Bank:alice:from a, later"])

        // B's value lost: B sees it, with both values, the devices and the times.
        #expect(try b.json(["status", "--json"])["conflicts"] as? Int == 1)
        let listed = try conflicts(b)
        #expect(listed.count == 1)
        let conflict = try #require(listed.first)
        let field = try #require((conflict["fields"] as? [[String: Any]])?.first)
        #expect(field["field"] as? String == "note")
        #expect(field["mine"] as? String == "from b, earlier")
        #expect(field["theirs"] as? String == "from a, later")
        #expect(conflict["kept"] as? String == "theirs")
        #expect(try conflict["mine_device"] as? String == b.json(["status", "--json"])["device_id"] as? String)
        #expect(try conflict["theirs_device"] as? String == a.json(["status", "--json"])["device_id"] as? String)
        #expect((conflict["mine_time_ms"] as? Int ?? 0) > 0)
        let human = try b.run(["conflicts"]).stdout
        #expect(human.contains("from b, earlier") && human.contains("from a, later"))

        // Resolving keeps B's value, and it syncs like any edit.
        let id = try #require(conflict["id"] as? Int)
        let resolved = try b.run(["conflicts", "resolve", "\(id)", "--keep", "mine"])
        #expect(resolved.status == 0, "\(resolved.stderr)")
        for device in [b, a] { #expect(try device.run(["sync"]).status == 0) }
        #expect(try a.tokens() == ["Bank:alice:from b, earlier"])
        #expect(try b.tokens() == ["Bank:alice:from b, earlier"])
        #expect(try conflicts(b).isEmpty)
        let unknown = try b.run(["conflicts", "resolve", "\(id)", "--keep", "mine"])
        #expect(unknown.status != 0 && unknown.stderr.split(separator: "\n").count == 1)
    }

    @Test func aDeleteAgainstANewerEditKeepsTheTokenOnEveryDeviceAndReportsTheDelete() throws {
        let (lab, a, b) = try pair()
        _ = lab
        #expect(try b.run(["remove", "Bank"]).status == 0)
        usleep(20_000)
        #expect(try a.run(["edit", "Bank", "--note", "edited later"]).status == 0)
        for device in [a, b, a] { #expect(try device.run(["sync"]).status == 0) }
        #expect(try a.tokens() == ["Bank:alice:edited later"])
        #expect(try b.tokens() == ["Bank:alice:edited later"])
        let conflict = try #require(try conflicts(b).first)
        let field = try #require((conflict["fields"] as? [[String: Any]])?.first)
        #expect(field["field"] as? String == "deleted")
        #expect(field["mine"] is NSNull)
    }

    @Test func anEditAgainstANewerDeleteStaysDeletedOnEveryDeviceAndKeepsTheEdit() throws {
        let (lab, a, b) = try pair()
        _ = lab
        #expect(try b.run(["edit", "Bank", "--note", "edited earlier"]).status == 0)
        usleep(20_000)
        #expect(try a.run(["remove", "Bank"]).status == 0)
        for device in [a, b, a] { #expect(try device.run(["sync"]).status == 0) }
        #expect(try a.tokens() == [])
        #expect(try b.tokens() == [])
        let conflict = try #require(try conflicts(b).first)
        let id = try #require(conflict["id"] as? Int)
        #expect(try b.run(["conflicts", "resolve", "\(id)", "--keep", "mine"]).status == 0)
        for device in [b, a] { #expect(try device.run(["sync"]).status == 0) }
        #expect(try a.tokens() == ["Bank:alice:edited earlier"])
    }
}
