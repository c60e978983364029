import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TwofoldOTP
import TwofoldProtocol
import TwofoldVault
@testable import TwofoldWeb

/// A real passphrase vault in a throw-away home, the web app over it, and a clock the
/// tests move. Requests go through the real router (`app.test(.router)`).
final class WebHarness: @unchecked Sendable {
    static let port = 48123
    static let host = "127.0.0.1:\(port)"
    static let origin = "http://\(host)"
    static let passphrase = "correct horse battery staple"
    /// RFC 6238's SHA-1 secret, so codes can be checked against the OTP engine.
    static let secret = Array("12345678901234567890".utf8)

    let url: URL
    var home: VaultHome { VaultHome(path: url.path) }
    let web: WebApp
    private let lock = NSLock()
    private var clock: Date = Date(timeIntervalSince1970: 1_000_000_000)
    var hotpUses = 0

    init(tokens: [OTPToken] = [WebHarness.totp("GitHub", "me@example.org")], idleTimeout: Double = 300) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-web-test-\(UUID().uuidString)")
        let home = VaultHome(path: url.path)
        let vault = try Vault.create(home: home, passphrase: Self.passphrase)
        for t in tokens { _ = try vault.add(t) }
        var box: WebHarness?
        web = try WebApp(
            WebConfiguration(home: home, port: Self.port, idleTimeoutSeconds: idleTimeout, now: { box!.now }),
            access: VaultAccess(
                fromDaemon: { nil },
                withPassphrase: { p in try Vault.open(home: home) { p } },
                useHOTP: { vault, id in box!.lock.withLock { box!.hotpUses += 1 }; return try vault.useHOTP(id: id).code },
                lockDaemon: { false }))
        box = self
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    static func totp(_ issuer: String, _ account: String, tags: [String] = []) -> OTPToken {
        OTPToken(kind: .totp, secret: secret, issuer: issuer, account: account, tags: tags)
    }

    var now: Date { lock.withLock { clock } }
    func advance(_ seconds: Double) { lock.withLock { clock = clock.addingTimeInterval(seconds) } }

    /// Runs `body` with a client on the router.
    func test(_ body: @escaping @Sendable (WebClient) async throws -> Void) async throws {
        let app = Application(router: web.router())
        try await app.test(.router) { client in try await body(WebClient(client: client, web: web)) }
    }
}

/// A browser-like client: sends the right Host, keeps the cookie, and fills in CSRF tokens.
struct WebClient: Sendable {
    let client: any TestClientProtocol
    let web: WebApp

    struct Answer: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
    }

    func get(_ uri: String, host: String = WebHarness.host, cookie: String? = nil) async throws -> Answer {
        var headers: HTTPFields = [HTTPField.Name("Host")!: host]
        if let cookie { headers[.cookie] = "\(WebSessions.cookieName)=\(cookie)" }
        let r = try await client.executeRequest(uri: uri, method: .get, headers: headers, body: nil)
        return Answer(status: r.status, headers: r.headers, body: String(buffer: r.body))
    }

    func post(_ uri: String, form: [String: String], cookie: String?, host: String = WebHarness.host,
              origin: String? = WebHarness.origin, csrf: Bool = true) async throws -> Answer {
        var headers: HTTPFields = [HTTPField.Name("Host")!: host, .contentType: "application/x-www-form-urlencoded"]
        if let origin { headers[.origin] = origin }
        if let cookie { headers[.cookie] = "\(WebSessions.cookieName)=\(cookie)" }
        var fields = form
        if csrf, let cookie, let session = web.sessions.session(cookie: cookie) { fields["csrf"] = web.sessions.csrfToken(session: session) }
        let text = fields.map { k, v in
            "\(k)=\(v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(separator: "&")
        let r = try await client.executeRequest(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: text))
        return Answer(status: r.status, headers: r.headers, body: String(buffer: r.body))
    }

    /// Spends the launch token; the cookie value.
    func login() async throws -> String {
        let r = try await get("/login?token=\(web.launchToken)")
        guard r.status == .seeOther, let setCookie = r.headers[.setCookie],
              let value = setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last
        else { throw WebTestError.noCookie }
        return String(value)
    }

    /// Logs in and unlocks with the passphrase.
    func unlocked() async throws -> String {
        let cookie = try await login()
        let r = try await post("/unlock", form: ["passphrase": WebHarness.passphrase], cookie: cookie)
        guard r.status == .seeOther else { throw WebTestError.notUnlocked(r.status.code) }
        return cookie
    }
}

enum WebTestError: Error { case noCookie, notUnlocked(Int) }
