import Foundation
import Testing

/// `twofold-relay serve` refusing to start (issue 15): every failure one line saying what
/// to do, exit status 1, and nothing written to the data directory.
@Suite("Relay startup failures (real process)")
struct StartupFailureTests {
    /// Runs `serve` with `arguments` in a fresh data directory that does not exist yet.
    static func serve(_ arguments: [String]) throws -> (status: Int32, err: String, created: Bool) {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("relay-startup-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let result = try RelayProcess.run(["serve", "--data", data] + arguments)
        return (result.status, result.err, FileManager.default.fileExists(atPath: data))
    }

    static func expectOneLine(_ result: (status: Int32, err: String, created: Bool), _ words: String) {
        #expect(result.status == 1, "\(result.err)")
        #expect(result.err.hasPrefix("twofold-relay: ") && result.err.split(separator: "\n").count == 1, "\(result.err)")
        #expect(result.err.contains(words), "\(result.err)")
        #expect(!result.created, "nothing was written")
    }

    @Test func aPortInUseIsOneLineAndNothingIsWritten() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try #require(bind(fd, raw, length) == 0 && listen(fd, 1) == 0)
                try #require(getsockname(fd, raw, &length) == 0)
            }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        Self.expectOneLine(try Self.serve(["--listen", "127.0.0.1:\(port)"]), "already in use")
    }

    @Test func anUnreadableConfigOrBadSettingIsOneLineAndNothingIsWritten() throws {
        Self.expectOneLine(try Self.serve(["--config", "/nonexistent/relay.conf"]), "cannot read the config file")
        Self.expectOneLine(try Self.serve(["--listen", "127.0.0.1:99999"]), "listen must be HOST:PORT")
        Self.expectOneLine(try Self.serve(["--listen", "192.0.2.1:8787"]), "no network interface has that address")
    }

    @Test func unusableTLSFilesAreOneLineAndNothingIsWritten() throws {
        let junk = FileManager.default.temporaryDirectory.appendingPathComponent("relay-junk-\(UUID().uuidString).pem").path
        try Data("not a certificate\n".utf8).write(to: URL(fileURLWithPath: junk))
        defer { try? FileManager.default.removeItem(atPath: junk) }
        Self.expectOneLine(try Self.serve(["--listen", "127.0.0.1:0", "--tls-cert", junk, "--tls-key", junk]), "cannot use the TLS certificate")
    }
}
