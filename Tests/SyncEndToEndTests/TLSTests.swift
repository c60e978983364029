import Foundation
import Testing

/// The relay's own TLS (`--tls-cert`, `--tls-key`; README, "Running a relay") with a real
/// `twofold-relay` and `twofold`: a device that trusts the relay's CA syncs over https; one
/// that does not is refused with one line, and nothing is created (Protocol/relay-api.md,
/// "Transport": TLS verification is always on).
@Suite("TLS end to end", .serialized)
struct TLSTests {
    @Test func aDeviceSyncsOverTheRelaysTLSAndRefusesAnUntrustedCertificate() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let cert = root.appendingPathComponent("cert.pem").path, key = root.appendingPathComponent("key.pem").path
        try makeCertificate(cert: cert, key: key)
        let relay = try RelayProcess(extraArguments: ["--tls-cert", cert, "--tls-key", key])
        defer { relay.stop(); relay.removeData() }
        let url = "https://127.0.0.1:\(relay.port)"

        // Not trusted: one line; the account is not created (the local vault waits in state
        // `creating`, and the same command with the CA finishes it).
        let stranger = Device("stranger", root: root)
        let refused = try stranger.run(["init", "--no-passphrase", "--relay", url])
        #expect(refused.status == 1)
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("certificate is not trusted"), "\(refused.stderr)")
        let finished = try stranger.run(["init", "--no-passphrase", "--relay", url, "--relay-ca", cert,
                                         "--recovery-key-file", root.appendingPathComponent("stranger-words").path])
        #expect(finished.status == 0, "\(finished.stderr)")

        // Trusted with --relay-ca: create, add, sync, restore elsewhere.
        let a = Device("a", root: root), b = Device("b", root: root)
        let words = root.appendingPathComponent("words").path
        let created = try a.run(["init", "--no-passphrase", "--relay", url, "--relay-ca", cert, "--recovery-key-file", words])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(try a.run(["add", "--issuer", "GitHub", "--account", "alice", "--secret", "JBSWY3DPEHPK3PXP"]).status == 0)
        #expect(try a.run(["sync", "--relay-ca", cert]).status == 0)
        let account = try a.json(["status", "--json"])["account_id"] as? String ?? ""
        let restored = try b.run(["restore", "--relay", url, "--relay-ca", cert, "--account", account, "--recovery-key-stdin",
                                  "--no-passphrase"], input: try String(contentsOfFile: words, encoding: .utf8))
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try b.tokens() == ["GitHub:alice:"])
        // Without the CA, a later sync is refused the same way and changes nothing.
        let untrusted = try b.run(["sync"])
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.split(separator: "\n").count == 1)

        // The relay-ca setting: checked when set, then used by every command without the flag.
        let notPEM = try b.run(["config", "set", "relay-ca", words])
        #expect(notPEM.status != 0 && notPEM.stderr.contains("is not a readable PEM file"), "\(notPEM.stderr)")
        #expect(try b.run(["config", "set", "relay-ca", cert]).status == 0)
        #expect(try b.run(["config", "get", "relay-ca"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == cert)
        let trusted = try b.run(["sync"])
        #expect(trusted.status == 0, "\(trusted.stderr)")
        #expect(try b.run(["doctor"]).stdout.contains("answers"), "doctor uses the setting too")
        // --relay-ca still wins over the setting.
        let other = root.appendingPathComponent("other.pem").path, otherKey = root.appendingPathComponent("other-key.pem").path
        try makeCertificate(cert: other, key: otherKey)
        #expect(try b.run(["sync", "--relay-ca", other]).status == 1)
    }

    /// A self-signed P-256 certificate for 127.0.0.1, valid for a day (openssl).
    private func makeCertificate(cert: String, key: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                             "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=twofold-test-relay",
                             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl could not make a certificate")
    }
}
