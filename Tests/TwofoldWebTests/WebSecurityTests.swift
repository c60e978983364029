import Foundation
import HTTPTypes
import Testing
import TwofoldOTP
import TwofoldVault
@testable import TwofoldWeb

/// Every refusal of Protocol/web.md, through the real router.
@Suite("Web app security")
struct WebSecurityTests {
    @Test func launchTokenTurnsIntoAStrictHttpOnlyCookieAndThenStopsWorking() async throws {
        let h = try WebHarness()
        try await h.test { c in
            let first = try await c.get("/login?token=\(c.web.launchToken)")
            #expect(first.status == .seeOther)
            #expect(first.headers[.location] == "/")
            let cookie = try #require(first.headers[.setCookie])
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            let again = try await c.get("/login?token=\(c.web.launchToken)")
            #expect(again.status == .forbidden)
            #expect(again.headers[.setCookie] == nil)
        }
    }

    @Test func noTokenAndWrongTokenAreRefused() async throws {
        let h = try WebHarness()
        try await h.test { c in
            #expect(try await c.get("/login").status == .forbidden)
            #expect(try await c.get("/login?token=" + String(repeating: "0", count: 64)).status == .forbidden)
            // A wrong token does not spend the right one.
            #expect(try await c.get("/login?token=\(c.web.launchToken)").status == .seeOther)
        }
    }

    @Test func pagesWithoutASessionAreRefused() async throws {
        let h = try WebHarness()
        try await h.test { c in
            #expect(try await c.get("/").status == .unauthorized)
            #expect(try await c.get("/unlock").status == .unauthorized)
            #expect(try await c.get("/", cookie: "0123.abcd").status == .unauthorized)
            let forged = try await c.post("/unlock", form: ["passphrase": WebHarness.passphrase], cookie: "ab.cd")
            #expect(forged.status == .unauthorized)
        }
    }

    @Test func aForeignHostIsRefusedEvenWithASession() async throws {
        let h = try WebHarness()
        try await h.test { c in
            let cookie = try await c.unlocked()
            #expect(try await c.get("/", cookie: cookie).status == .ok)
            let rebound = try await c.get("/", host: "evil.example:\(WebHarness.port)", cookie: cookie)
            #expect(rebound.status == .misdirectedRequest)
            #expect(!rebound.body.contains("GitHub"))
            #expect(try await c.get("/", host: "127.0.0.1:1", cookie: cookie).status == .misdirectedRequest)
            #expect(try await c.get("/login?token=\(c.web.launchToken)", host: "evil.example").status == .misdirectedRequest)
        }
    }

    @Test func postsFromAForeignOrMissingOriginAreRefused() async throws {
        let h = try WebHarness()
        try await h.test { c in
            let cookie = try await c.login()
            let foreign = try await c.post("/unlock", form: ["passphrase": WebHarness.passphrase], cookie: cookie, origin: "http://evil.example")
            #expect(foreign.status == .forbidden)
            let none = try await c.post("/unlock", form: ["passphrase": WebHarness.passphrase], cookie: cookie, origin: nil)
            #expect(none.status == .forbidden)
            #expect(h.web.holder.isLocked)
        }
    }

    @Test func postsWithoutTheCSRFTokenAreRefused() async throws {
        let h = try WebHarness()
        try await h.test { c in
            let cookie = try await c.login()
            let missing = try await c.post("/unlock", form: ["passphrase": WebHarness.passphrase], cookie: cookie, csrf: false)
            #expect(missing.status == .forbidden)
            let wrong = try await c.post("/unlock", form: ["passphrase": WebHarness.passphrase, "csrf": "00"], cookie: cookie, csrf: false)
            #expect(wrong.status == .forbidden)
            #expect(h.web.holder.isLocked)
            let unlocked = try await c.unlockedWith(cookie: cookie)
            #expect(unlocked.status == .seeOther)
            let lockWithout = try await c.post("/lock", form: [:], cookie: cookie, csrf: false)
            #expect(lockWithout.status == .forbidden)
            #expect(!h.web.holder.isLocked)
        }
    }

    @Test func everyAnswerCarriesAStrictCSPAndNoStore() async throws {
        let h = try WebHarness()
        try await h.test { c in
            let cookie = try await c.unlocked()
            for answer in [try await c.get("/", cookie: cookie), try await c.get("/app.js"), try await c.get("/"),
                           try await c.get("/", host: "evil.example")] {
                let csp = try #require(answer.headers[.contentSecurityPolicy])
                #expect(csp.contains("default-src 'none'"))
                #expect(csp.contains("script-src 'self'"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(answer.headers[.cacheControl] == "no-store")
            }
            let page = try await c.get("/", cookie: cookie).body
            // No inline script: the only <script> element loads /app.js.
            #expect(page.components(separatedBy: "<script").count == 2)
            #expect(page.contains("<script src=\"/app.js\" defer></script>"))
            #expect(!page.contains(" onclick="))
        }
    }

    @Test func theSessionSecretIsPrivateToTheUser() throws {
        let h = try WebHarness()
        let path = h.home.path + "/ui-session.key"
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        chmod(path, 0o644)
        #expect(throws: WebError.self) { _ = try WebSessions(home: h.home) }
    }

    @Test func nonLoopbackAddressesAreRefused() throws {
        let h = try WebHarness()
        for host in ["0.0.0.0", "192.168.1.2", "example.org", "::", "127.0.0"] {
            #expect(!WebConfiguration.isLoopback(host))
            #expect(throws: WebError.self) {
                _ = try WebApp(WebConfiguration(home: h.home, host: host), access: h.web.holder.access)
            }
        }
        for host in ["127.0.0.1", "127.1.2.3", "::1", "localhost"] { #expect(WebConfiguration.isLoopback(host)) }
    }
}

extension WebClient {
    func unlockedWith(cookie: String) async throws -> Answer {
        try await post("/unlock", form: ["passphrase": WebHarness.passphrase], cookie: cookie)
    }
}
