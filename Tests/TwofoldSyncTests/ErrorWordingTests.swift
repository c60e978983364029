import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Testing
import TwofoldVault
@testable import TwofoldSync

/// Every error a command can print is a sentence, never a Swift description (issue 20:
/// `SocketAddressError.UnknownHost: …`, `CLIError(message: …)`): the transport errors
/// from NIO, AsyncHTTPClient and BoringSSL as ``RelayClient`` maps them, and every case of
/// ``SyncError`` and ``VaultError``.
@Suite("Error wording")
struct ErrorWordingTests {
    /// Signs of a Swift description: a type name, a memberwise dump, an errno dump.
    static func leaks(_ text: String) -> [String] {
        let signs = ["Error.", "Error(", "UnknownHost", "errno:", "message:", "reason:", "Optional(", "HTTPClient", "NIO"]
        return signs.filter { text.contains($0) }
    }

    /// Errors below HTTP, as the relay client meets them.
    static let transportErrors: [any Error] = [
        IOError(errnoCode: ECONNREFUSED, reason: "connect"),
        IOError(errnoCode: ECONNRESET, reason: "read(descriptor:pointer:size:)"),
        IOError(errnoCode: ENETUNREACH, reason: "connect"),
        IOError(errnoCode: EHOSTUNREACH, reason: "connect"),
        IOError(errnoCode: EPIPE, reason: "write"),
        IOError(errnoCode: EACCES, reason: "socket"),
        HTTPClientError.connectTimeout, HTTPClientError.readTimeout, HTTPClientError.remoteConnectionClosed,
        HTTPClientError.alreadyShutdown, HTTPClientError.invalidURL, HTTPClientError.emptyHost,
        HTTPClientError.proxyAuthenticationRequired, HTTPClientError.bodyLengthMismatch, HTTPClientError.cancelled,
        NIOSSLError.handshakeFailed(.syscallError), NIOSSLError.uncleanShutdown,
        NIOSSLError.unableToValidateCertificate, NIOSSLExtraError.failedToValidateHostname,
        ChannelError.connectPending, ChannelError.ioOnClosedChannel, ChannelError.eof,
        SocketAddressError.unsupported, SocketAddressError.failedToParseIPString("x"),
        StrangeError(detail: "Name or service not known (error -2)"), StrangeError(detail: "nothing anyone expected"),
    ]

    struct StrangeError: Error, CustomStringConvertible {
        var detail: String
        var description: String { "StrangeError.Kind(detail: \(detail))" }
    }

    @Test(arguments: 0..<transportErrors.count)
    func transportErrorsAreSaidInWords(index: Int) {
        let error = RelayClient.transportError(Self.transportErrors[index], relay: "https://relay.example.org")
        #expect(Self.leaks(error.description).isEmpty, "\(Self.transportErrors[index]) → \(error.description)")
        #expect(error.description.contains(": "), "no 'what to do' part: \(error.description)")
    }

    @Test func dnsFailuresSayDNS() {
        let error = RelayClient.transportError(StrangeError(detail: "Name or service not known (error -2)"), relay: "https://x.invalid")
        #expect(error.description.contains("DNS"), "\(error.description)")
    }

    static let syncErrors: [SyncError] = [
        .invalidRelayURL("ftp://x"), .insecureRelay("http://x"), .unreachable(relay: "https://r", reason: "connection refused"),
        .timedOut(relay: "https://r"), .tls(relay: "https://r", reason: "the relay's certificate is not trusted by this device"),
        .certificateFile(path: "/x.pem", reason: "no certificate in it"),
        .relay(RelayFailure(status: 500, code: "internal", message: "the relay failed")),
        .deviceUnknown, .deviceRevoked, .accountDeleted, .recoveryFailed,
        .rateLimited(retryAfterSeconds: 3, recovery: false), .rateLimited(retryAfterSeconds: 60, recovery: true),
        .conflict(code: "head_conflict"), .conflictsPersist(attempts: 5), .rejected("refused: nothing was changed"),
        .vault(.wrongPassphrase), .invalidResponse("GET /v1/records answered JSON that does not match the API"),
    ]

    static let vaultErrors: [VaultError] = [
        .notInitialized(home: "/h"), .alreadyInitialized(home: "/h"), .wrongPassphrase, .emptyPassphrase,
        .keyFileMissing(path: "/k"), .keyFileInvalid(path: "/k"), .newerFormat, .insecurePermissions(path: "/h"),
        .duplicate(label: "GitHub: alice", id: "abcd"), .noMatch(query: "x"), .ambiguous(query: "g", candidates: ["a", "b"]),
        .invalidToken("the secret is empty"), .corruptRecord(id: "abcd", reason: "it does not decrypt"),
        .storage("disk I/O error"), .wrongProtection("this vault has a key file"),
    ]

    @Test func everySyncAndVaultErrorIsOneLineOfWords() {
        let lines = Self.syncErrors.map(\.description) + Self.vaultErrors.map(\.description)
        for line in lines {
            #expect(Self.leaks(line).isEmpty, "\(line)")
            #expect(!line.contains("\n"), "\(line)")
            #expect(!line.isEmpty)
        }
    }
}
