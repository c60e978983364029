import Foundation
import HTTPTypes
import Testing
import TwofoldOTP
import TwofoldProtocol
import TwofoldVault
@testable import TwofoldWeb

/// The pages: unlock, codes, search, pins, HOTP, lock and the idle timeout.
@Suite("Web app pages")
struct WebPagesTests {
    @Test func aLockedVaultSendsEveryPageToUnlock() async throws {
        let h = try WebHarness()
        try await h.test { c in
            let cookie = try await c.login()
            let r = try await c.get("/", cookie: cookie)
            #expect(r.status == .seeOther)
            #expect(r.headers[.location] == "/unlock")
            let unlock = try await c.get("/unlock", cookie: cookie)
            #expect(unlock.status == .ok)
            #expect(unlock.body.contains("type=\"password\""))
            let hotp = try await c.post("/hotp", form: ["id": String(repeating: "0", count: 32)], cookie: cookie)
            #expect(hotp.status == .seeOther || hotp.status == .badRequest)
            #expect(!hotp.body.contains("GitHub"))
        }
    }

    @Test func aWrongPassphraseIsRefusedAndTheRightOneShowsTheCodes() async throws {
        let h = try WebHarness()
        try await h.test { c in
            let cookie = try await c.login()
            let wrong = try await c.post("/unlock", form: ["passphrase": "nope"], cookie: cookie)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body.contains("Could not unlock"))
            #expect(try await c.unlockedWith(cookie: cookie).status == .seeOther)
            let page = try await c.get("/", cookie: cookie)
            #expect(page.status == .ok)
            let t = Int64(h.now.timeIntervalSince1970)
            let expected = WebHarness.totp("GitHub", "me@example.org").code(atUnixTime: t)
            #expect(page.body.contains("data-code=\"\(expected)\""))
            #expect(page.body.contains("GitHub"))
            #expect(page.headers[.cacheControl] == "no-store")
        }
    }

    @Test func theNextCodeShowsNearTheEndOfAPeriod() async throws {
        let h = try WebHarness()
        try await h.test { c in
            let cookie = try await c.unlocked()
            let token = WebHarness.totp("GitHub", "me@example.org")
            let t = Int64(h.now.timeIntervalSince1970)
            h.advance(Double(token.secondsRemaining(atUnixTime: t) - 5))
            let late = Int64(h.now.timeIntervalSince1970)
            let page = try await c.get("/", cookie: cookie).body
            #expect(page.contains("next \(token.code(atUnixTime: late + 30))"))
            h.advance(10)
            #expect(!(try await c.get("/", cookie: cookie).body.contains("class=\"next\"")))
        }
    }

    @Test func searchNarrowsByIssuerAccountOrTagAndPinnedComeFirst() async throws {
        let h = try WebHarness(tokens: [
            WebHarness.totp("Alpha", "a@x"), WebHarness.totp("Beta", "work@x", tags: ["job"]),
            WebHarness.totp("Zulu", "z@x", tags: ["pinned"]),
        ])
        try await h.test { c in
            let cookie = try await c.unlocked()
            let all = try await c.get("/", cookie: cookie).body
            let zulu = try #require(all.range(of: "Zulu")), alpha = try #require(all.range(of: "Alpha"))
            #expect(zulu.lowerBound < alpha.lowerBound)
            let byTag = try await c.get("/?q=JOB", cookie: cookie).body
            #expect(byTag.contains("Beta") && !byTag.contains("Alpha") && !byTag.contains("Zulu"))
            let byAccount = try await c.get("/?q=a%40x", cookie: cookie).body
            #expect(byAccount.contains("Alpha") && !byAccount.contains("Beta"))
            #expect(try await c.get("/?q=nothing", cookie: cookie).body.contains("No tokens match"))
        }
    }

    @Test func hotpShowsACodeOnlyOnAPostAndUsesTheCounterOnce() async throws {
        let hotp = OTPToken(kind: .hotp, secret: WebHarness.secret, issuer: "Bank", account: "me", counter: 0)
        let h = try WebHarness(tokens: [hotp])
        try await h.test { c in
            let cookie = try await c.unlocked()
            let page = try await c.get("/", cookie: cookie).body
            #expect(!page.contains(hotp.code(counter: 0)))
            let vault = try Vault.open(home: h.home) { WebHarness.passphrase }
            let id = try vault.tokens().entries[0].id
            let shown = try await c.post("/hotp", form: ["id": id.hex], cookie: cookie)
            #expect(shown.status == .ok)
            #expect(shown.body.contains("data-code=\"\(hotp.code(counter: 0))\""))  // RFC 4226: 755224
            #expect(shown.headers[.cacheControl] == "no-store")
            #expect(h.hotpUses == 1)
            #expect(try Vault.open(home: h.home) { WebHarness.passphrase }.tokens().entries[0].token.counter == 1)
            #expect(!(try await c.get("/", cookie: cookie).body.contains(hotp.code(counter: 0))))
        }
    }

    @Test func lockNowAndTheIdleTimeoutLockThePage() async throws {
        let h = try WebHarness(idleTimeout: 60)
        try await h.test { c in
            let cookie = try await c.unlocked()
            #expect(try await c.post("/lock", form: [:], cookie: cookie).headers[.location] == "/unlock")
            #expect(try await c.get("/", cookie: cookie).headers[.location] == "/unlock")
            #expect(try await c.unlockedWith(cookie: cookie).status == .seeOther)
            h.advance(30)
            #expect(try await c.get("/", cookie: cookie).status == .ok)
            h.advance(61)
            #expect(try await c.get("/", cookie: cookie).headers[.location] == "/unlock")
        }
    }

    @Test func addingAURIAndRemovingBehindAConfirmation() async throws {
        let h = try WebHarness()
        try await h.test { c in
            let cookie = try await c.unlocked()
            #expect(try await c.get("/add", cookie: cookie).status == .ok)
            let bad = try await c.post("/add", form: ["uri": "otpauth://totp/X?secret=not*base32"], cookie: cookie)
            #expect(bad.status == .badRequest)
            #expect(bad.body.contains("Not added"))
            let uri = "otpauth://totp/Mail:me%40mail.example?secret=JBSWY3DPEHPK3PXP&issuer=Mail"
            #expect(try await c.post("/add", form: ["uri": uri], cookie: cookie).status == .seeOther)
            let vault = try Vault.open(home: h.home) { WebHarness.passphrase }
            let mail = try #require(try vault.tokens().entries.first { $0.token.issuer == "Mail" })
            #expect(mail.token.account == "me@mail.example")
            // Removing takes a confirmation page (GET changes nothing), then a POST.
            let confirm = try await c.get("/remove?id=\(mail.id.hex)", cookie: cookie)
            #expect(confirm.status == .ok && confirm.body.contains("Remove Mail"))
            #expect(try Vault.open(home: h.home) { WebHarness.passphrase }.tokens().entries.count == 2)
            #expect(try await c.post("/remove", form: ["id": mail.id.hex], cookie: cookie, csrf: false).status == .forbidden)
            #expect(try await c.post("/remove", form: ["id": mail.id.hex], cookie: cookie).status == .seeOther)
            let left = try Vault.open(home: h.home) { WebHarness.passphrase }.tokens().entries
            #expect(left.map(\.token.issuer) == ["GitHub"])
        }
    }

    @Test func valuesAreEscaped() {
        #expect(WebPages.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    }
}
