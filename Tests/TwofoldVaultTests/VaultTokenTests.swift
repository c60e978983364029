import Foundation
import Testing
import TwofoldOTP
import TwofoldProtocol
@testable import TwofoldVault

@Suite("Vault tokens")
struct VaultTokenTests {
    static func token(_ issuer: String, _ account: String, secret: [UInt8] = Array("12345678901234567890".utf8), kind: OTPKind = .totp) -> OTPToken {
        OTPToken(kind: kind, secret: secret, issuer: issuer, account: account, digits: kind == .steam ? nil : 6)
    }

    @Test func addListAndReopen() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        try vault.add(Self.token("GitHub", "alice", secret: [1, 2, 3, 4, 5]))
        try vault.add(Self.token("aws", "root", secret: [9, 9, 9]))
        let reopened = try Vault.open(home: tmp.home) { Issue.record("no passphrase expected"); return "" }
        let labels = try reopened.tokens().entries.map(\.token.label)
        #expect(labels == ["aws:root", "GitHub:alice"])
    }

    @Test func duplicateIsRefusedAndChangesNothing() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        try vault.add(Self.token("GitHub", "alice"))
        let before = tmp.snapshot()
        #expect(throws: VaultError.self) { try vault.add(Self.token("Other", "label")) }
        #expect(tmp.snapshot() == before)
    }

    @Test func batchAddIsAllOrNothing() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        var bad = Self.token("Bad", "digits", secret: [7])
        bad.digits = 42
        #expect(throws: VaultError.self) {
            try vault.add([Self.token("A", "a", secret: [1]), bad], skipDuplicates: false)
        }
        #expect(try vault.tokens().entries.isEmpty)
        let result = try vault.add([Self.token("A", "a", secret: [1]), Self.token("A2", "a", secret: [1])], skipDuplicates: true)
        #expect(result.added.count == 1 && result.duplicates.count == 1)
    }

    @Test func editAndRemoveWriteNewVersions() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        let added = try vault.add(Self.token("GitHub", "alice"))
        let edited = try vault.edit(id: added.id) { $0.note = "work"; $0.tags = ["dev"] }
        #expect(edited.version > added.version)
        #expect(try vault.tokens().entries.first?.token.tags == ["dev"])
        try vault.remove(id: added.id)
        #expect(try vault.tokens().entries.isEmpty)
        // The tombstone stays, so the delete can sync like an edit.
        let records = try vault.store.read { try VaultStore.fetchRecords(kind: .token, account: vault.account, $0) }
        #expect(records.count == 1 && records[0].header.deleted)
        #expect(throws: VaultError.noMatch(query: added.id.hex)) { try vault.remove(id: added.id) }
    }

    @Test func queriesResolveByIdSubstringOrExactLabel() throws {
        let entries = [
            TokenEntry(id: .random(), version: RecordVersion(hlc: 1, device: .random()), token: Self.token("Google", "a")),
            TokenEntry(id: .random(), version: RecordVersion(hlc: 1, device: .random()), token: Self.token("Google", "ab")),
            TokenEntry(id: .random(), version: RecordVersion(hlc: 1, device: .random()), token: Self.token("GitHub", "alice")),
        ]
        #expect(try TokenQuery.resolve("github", in: entries).token.issuer == "GitHub")
        #expect(try TokenQuery.resolve("GOOGLE:A", in: entries).token.account == "a")
        #expect(try TokenQuery.resolve(entries[1].id.hex, in: entries).token.account == "ab")
        #expect(throws: VaultError.self) { try TokenQuery.resolve("google", in: entries) }
        #expect(throws: VaultError.noMatch(query: "nothing")) { try TokenQuery.resolve("nothing", in: entries) }
    }

    @Test func filesArePrivateAndHoldNoPlaintext() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        let secret = Array("UNIQUE-SECRET-BYTES-42".utf8)
        try vault.add(OTPToken(kind: .totp, secret: secret, issuer: "ZebraIssuerCo", account: "quokka@example.org", note: "NotePlaintextMarker"))
        var st = stat()
        #expect(stat(tmp.url.path, &st) == 0 && st.st_mode & 0o777 == 0o700)
        for (name, data) in tmp.snapshot() {
            #expect(stat(tmp.url.appendingPathComponent(name).path, &st) == 0 && st.st_mode & 0o077 == 0, "\(name) is group/world accessible")
            for needle in ["ZebraIssuerCo", "quokka@example.org", "NotePlaintextMarker", Base32.encode(secret)] {
                #expect(data.range(of: Data(needle.utf8)) == nil, "\(needle) in plaintext in \(name)")
            }
            #expect(data.range(of: Data(secret)) == nil)
        }
    }
}
