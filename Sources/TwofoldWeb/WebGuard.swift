import Foundation
import HTTPTypes
import Hummingbird

/// The address the server is bound to, known once it runs (the port may be picked by the
/// system); the Host and Origin checks compare against it.
final class BoundAddress: @unchecked Sendable {
    private let lock = NSLock()
    private var port = 0
    init(port: Int) { self.port = port }
    func set(port: Int) { lock.lock(); self.port = port; lock.unlock() }
    var hosts: Set<String> {
        lock.lock(); defer { lock.unlock() }
        return ["127.0.0.1:\(port)", "localhost:\(port)", "[::1]:\(port)"]
    }
}

/// Checks every request before a page sees it (Protocol/web.md, "Requests"): the Host
/// header against DNS rebinding [WEB-3], the session cookie [WEB-2], the Origin of every
/// POST [WEB-4]; and puts the security headers on every answer [WEB-5][WEB-6].
struct WebGuard<Context: RequestContext>: RouterMiddleware {
    let bound: BoundAddress
    let sessions: WebSessions

    static var hostField: HTTPField.Name { HTTPField.Name("Host")! }

    static var securityHeaders: HTTPFields {
        [
            .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            .cacheControl: "no-store",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
            HTTPField.Name("X-Frame-Options")!: "DENY",
        ]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await check(request, context: context, next: next)
        } catch let error as HTTPError {
            response = WebPages.refusal(error.status, error.body ?? "Refused.")
        }
        for field in Self.securityHeaders { response.headers[field.name] = field.value }
        return response
    }

    private func check(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let hosts = bound.hosts
        // HTTP/1's Host header arrives as the request's authority (swift-http-types).
        guard let host = request.head.authority ?? request.headers[Self.hostField], hosts.contains(host.lowercased()) else {
            return WebPages.refusal(.misdirectedRequest, "This page is served for 127.0.0.1 only: open the address 'twofold ui' printed.")
        }
        if request.method == .post {
            guard let origin = request.headers[.origin], hosts.contains(where: { "http://" + $0 == origin.lowercased() }) else {
                return WebPages.refusal(.forbidden, "Refused: this form was not sent from the Twofold page itself.")
            }
        }
        let path = request.uri.path
        if path == "/login" || path == "/app.js" || path == "/app.css" { return try await next(request, context) }
        guard sessions.session(cookie: Self.cookie(request)) != nil else {
            return WebPages.refusal(.unauthorized, "No session: open the address 'twofold ui' printed (each one works once), or run it again.")
        }
        return try await next(request, context)
    }

    /// The session cookie's value, if the request carries one.
    static func cookie(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(WebSessions.cookieName + "=") {
                    return String(pair.dropFirst(WebSessions.cookieName.count + 1))
                }
            }
        }
        return nil
    }
}
