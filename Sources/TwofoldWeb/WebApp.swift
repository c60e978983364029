import Foundation
import Hummingbird
import Logging
import TwofoldProtocol
import TwofoldVault

/// The local web app (`twofold ui`, Protocol/web.md): its router, and the server around it.
public struct WebApp: Sendable {
    let configuration: WebConfiguration
    let sessions: WebSessions
    let holder: VaultHolder
    let bound: BoundAddress

    /// Prepares the app: reads or creates the session secret in the home.
    public init(_ configuration: WebConfiguration, access: VaultAccess) throws {
        guard WebConfiguration.isLoopback(configuration.host) else { throw WebError.notLoopback(configuration.host) }
        self.configuration = configuration
        sessions = try WebSessions(home: configuration.home)
        holder = VaultHolder(access: access, idleTimeout: configuration.idleTimeoutSeconds, now: configuration.now)
        bound = BoundAddress(port: configuration.port)
    }

    /// The one-time launch token; the URL printed is `/login?token=` with it.
    public var launchToken: String { sessions.firstToken }

    /// Sets the port the Host check expects (tests, which serve without a socket).
    public func expect(port: Int) { bound.set(port: port) }

    /// The routes, behind ``WebGuard``.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: WebGuard(bound: bound, sessions: sessions))
        let sessions = self.sessions, holder = self.holder, now = configuration.now

        @Sendable func csrf(_ request: Request) -> String {
            sessions.session(cookie: WebGuard<BasicRequestContext>.cookie(request)).map(sessions.csrfToken) ?? ""
        }
        router.get("/app.js") { _, _ in WebAssets.response(WebAssets.script, type: "text/javascript; charset=utf-8") }
        router.get("/app.css") { _, _ in WebAssets.response(WebAssets.style, type: "text/css; charset=utf-8") }
        router.get("/login") { request, _ -> Response in
            guard let token = request.uri.queryParameters.get("token"), let cookie = sessions.exchange(token: token) else {
                return WebPages.refusal(.forbidden, "This link is wrong or was already used: run 'twofold ui' again for a new one.")
            }
            var response = WebPages.redirect("/")
            response.headers[.setCookie] = "\(WebSessions.cookieName)=\(cookie); HttpOnly; SameSite=Strict; Path=/"
            return response
        }
        router.get("/unlock") { request, _ -> Response in
            holder.isLocked ? WebPages.unlock(csrf: csrf(request)) : WebPages.redirect("/")
        }
        router.post("/unlock") { request, _ -> Response in
            let form = try await WebForm.read(request, sessions: sessions)
            do {
                try holder.unlock(passphrase: form["passphrase"] ?? "")
            } catch {
                return WebPages.unlock(csrf: csrf(request), error: "Could not unlock: \(error). Check the passphrase and try again.")
            }
            return WebPages.redirect("/")
        }
        router.post("/lock") { request, _ -> Response in
            _ = try await WebForm.read(request, sessions: sessions)
            holder.lockNow()
            return WebPages.redirect("/unlock")
        }
        router.get("/") { request, _ -> Response in
            let query = request.uri.queryParameters.get("q") ?? ""
            let time = Int64(now().timeIntervalSince1970)
            guard let page = try holder.with({ vault in
                WebPages.codes(try vault.tokens().entries, query: query, time: time, csrf: csrf(request))
            }) else { return WebPages.redirect("/unlock") }
            return page
        }
        router.post("/hotp") { request, _ -> Response in
            let form = try await WebForm.read(request, sessions: sessions)
            guard let hex = form["id"], let id = try? RecordID(hex: hex) else {
                return WebPages.refusal(.badRequest, "No token id in the form: reload the page.")
            }
            let time = Int64(now().timeIntervalSince1970)
            // The code is in this POST's answer (no-store), never in a URL [WEB-8].
            guard let page = try holder.with({ vault in
                let code = try holder.access.useHOTP(vault, id)
                return WebPages.codes(try vault.tokens().entries, query: "", time: time, csrf: csrf(request), shown: (id, code))
            }) else { return WebPages.redirect("/unlock") }
            return page
        }
        addTokenRoutes(to: router, csrf: csrf)
        return router
    }

    /// Serves until SIGINT or SIGTERM; `onReady` gets the URL with the launch token.
    public func run(onReady: @escaping @Sendable (String) -> Void) async throws {
        let bound = self.bound, token = launchToken, host = configuration.host
        var logger = Logger(label: "twofold-ui")
        logger.logLevel = .warning
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                bound.set(port: port)
                let shown = host.contains(":") ? "[\(host)]" : host
                onReady("http://\(shown == "localhost" ? "127.0.0.1" : shown):\(port)/login?token=\(token)")
            },
            logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
