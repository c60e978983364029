import Foundation
import Testing
import TwofoldCrypto
import TwofoldVault
@testable import TwofoldDaemon

@Suite(.serialized)
struct KeyKeeperTests {
    func withVault(_ body: (VaultHome) async throws -> Void) async throws {
        let home = VaultHome(path: "/tmp/tfkk-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        _ = try Vault.create(home: home, passphrase: nil)
        try await body(home)
    }

    @Test func forgetsTheKeyAfterTheIdleTimeoutUnlessUsed() async throws {
        try await withVault { home in
            let key = try Vault.unlockKey(home: home) { "" }
            let keeper = KeyKeeper(home: home, idleTimeout: .seconds(60))
            #expect(await keeper.isLocked)
            try await keeper.unlock(key: key, timeout: .milliseconds(300))
            #expect(await !keeper.isLocked)
            #expect(await keeper.keyring() != nil)
            try await Task.sleep(for: .milliseconds(200))
            #expect(await keeper.unlockKey() == key)   // use: the timer starts again
            try await Task.sleep(for: .milliseconds(200))
            #expect(await !keeper.isLocked)
            try await Task.sleep(for: .milliseconds(400))
            #expect(await keeper.isLocked)
            #expect(await keeper.unlockKey() == nil)
        }
    }

    @Test func refusesAKeyThatDoesNotOpenTheVaultAndLocksOnRequest() async throws {
        try await withVault { home in
            let keeper = KeyKeeper(home: home, idleTimeout: .seconds(60))
            await #expect(throws: VaultError.self) { try await keeper.unlock(key: SecureBytes.random(count: 32), timeout: nil) }
            #expect(await keeper.isLocked)
            try await keeper.unlock(key: try Vault.unlockKey(home: home) { "" }, timeout: nil)
            #expect(await keeper.lock())
            #expect(await keeper.isLocked)
        }
    }

    @Test func aKeyFileVaultStaysUnlocked() async throws {
        try await withVault { home in
            let keeper = KeyKeeper(home: home, idleTimeout: .milliseconds(10))
            #expect(try await keeper.unlockWithKeyFile())
            #expect(await keeper.state == .keyFile)
            #expect(await !keeper.lock())
            try await Task.sleep(for: .milliseconds(50))
            #expect(await !keeper.isLocked)
        }
    }
}
