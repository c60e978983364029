import Foundation
import TwofoldVault

/// A throw-away device home under the system temporary directory.
final class TemporaryHome {
    let url: URL
    var home: VaultHome { VaultHome(path: url.path) }

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-vault-test-\(UUID().uuidString)")
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Every file's bytes, by name, to prove that a failed operation changed nothing.
    /// The `-shm` file is SQLite's shared-memory WAL index: readers in this process
    /// update its read marks, and it holds no vault data, so it is left out here (the
    /// CLI tests, whose processes exit, compare it too).
    func snapshot() -> [String: Data] {
        var out: [String: Data] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] where !name.hasSuffix("-shm") {
            out[name] = FileManager.default.contents(atPath: url.appendingPathComponent(name).path)
        }
        return out
    }
}
