import Crypto
import Foundation
import TwofoldVault

/// The one-time launch token, the session cookies it turns into, and their CSRF tokens
/// (Protocol/web.md, "Sessions"). Cookie values are `id.mac` with the MAC keyed by the
/// session secret, which lives in the home with mode 0600 [WEB-7]; ids are also kept in
/// memory, so a cookie outlives neither the secret nor the process.
final class WebSessions: @unchecked Sendable {
    static let cookieName = "twofold_session"
    private let lock = NSLock()
    private var launchToken: String?
    private var sessions: Set<String> = []
    private let key: SymmetricKey

    /// The launch token printed in the URL; valid once [WEB-2].
    let firstToken: String

    init(home: VaultHome) throws {
        key = SymmetricKey(data: try Self.loadSecret(home: home))
        let token = Self.randomHex(32)
        firstToken = token
        launchToken = token
    }

    /// `ui-session.key` in the home, created with mode 0600 and refused when others can read it.
    static func loadSecret(home: VaultHome) throws -> Data {
        let path = home.path + "/ui-session.key"
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & 0o077 == 0, info.st_uid == getuid() else {
                throw WebError.unsafeSecret(path)
            }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            if data.count == 32 { return data }
        }
        let secret = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw WebError.unsafeSecret(path) }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let written = secret.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == secret.count else { throw WebError.unsafeSecret(path) }
        return secret
    }

    static func randomHex(_ count: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<count).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    private func mac(_ text: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }

    /// Spends the launch token: a new session cookie value, or nil for a wrong or spent token.
    func exchange(token: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        guard let launchToken, Self.constantTimeEqual(token, launchToken) else { return nil }
        self.launchToken = nil
        let id = Self.randomHex(32)
        sessions.insert(id)
        return id + "." + mac("session:" + id)
    }

    /// The session id of a valid cookie value.
    func session(cookie: String?) -> String? {
        guard let cookie, let dot = cookie.firstIndex(of: ".") else { return nil }
        let id = String(cookie[..<dot]), tag = String(cookie[cookie.index(after: dot)...])
        guard Self.constantTimeEqual(tag, mac("session:" + id)) else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return sessions.contains(id) ? id : nil
    }

    /// The CSRF token of a session: carried in every form, checked on every POST [WEB-4].
    func csrfToken(session: String) -> String { mac("csrf:" + session) }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

/// Why `twofold ui` cannot start.
public enum WebError: Error, CustomStringConvertible {
    case notLoopback(String)
    case unsafeSecret(String)

    public var description: String {
        switch self {
        case .notLoopback(let h): "'\(h)' is not a loopback address: twofold ui listens on 127.0.0.1, ::1 or localhost only"
        case .unsafeSecret(let p): "cannot use the session secret \(p): remove it, or make it yours with mode 0600 (chmod 600)"
        }
    }
}
