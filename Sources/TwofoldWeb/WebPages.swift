import Foundation
import HTTPTypes
import Hummingbird
import TwofoldProtocol
import TwofoldOTP
import TwofoldVault

/// The HTML of every page. Every value goes through ``escape(_:)``; no inline script or
/// style, so the Content-Security-Policy can forbid both [WEB-5].
enum WebPages {
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func html(_ status: HTTPResponse.Status = .ok, title: String, _ body: String) -> Response {
        let page = """
            <!doctype html><html lang="en"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width, initial-scale=1">\
            <title>\(escape(title)) · Twofold</title><link rel="stylesheet" href="/app.css">\
            <script src="/app.js" defer></script></head><body><main>\(body)</main></body></html>
            """
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        html(status, title: "Refused", "<h1>Refused</h1><p class=\"error\">\(escape(message))</p>")
    }

    static func redirect(_ to: String) -> Response {
        Response(status: .seeOther, headers: [.location: to])
    }

    static func csrfField(_ token: String) -> String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(token))\">"
    }

    static func unlock(csrf: String, error: String? = nil) -> Response {
        let message = error.map { "<p class=\"error\" role=\"alert\">\(escape($0))</p>" } ?? ""
        return html(error == nil ? .ok : .unauthorized, title: "Unlock", """
            <h1>Unlock the vault</h1>\(message)<form method="post" action="/unlock">\(csrfField(csrf))\
            <label for="passphrase">Passphrase</label> \
            <input type="password" id="passphrase" name="passphrase" autocomplete="current-password" autofocus required> \
            <button type="submit">Unlock</button></form>
            """)
    }

    /// Pinned tokens (tag "pinned", README "Web app") first, then the vault's order.
    static func ordered(_ entries: [TokenEntry], query: String) -> [TokenEntry] {
        let q = query.trimmingCharacters(in: .whitespaces).lowercased()
        let matching = q.isEmpty ? entries : entries.filter { e in
            e.token.issuer.lowercased().contains(q) || e.token.account.lowercased().contains(q)
                || e.token.tags.contains { $0.lowercased().contains(q) }
        }
        let pinned = matching.filter { $0.token.tags.contains("pinned") }
        return pinned + matching.filter { !$0.token.tags.contains("pinned") }
    }

    static func removeLink(_ e: TokenEntry) -> String {
        "<a class=\"remove\" href=\"/remove?id=\(e.id.hex)\">Remove</a>"
    }

    static func codes(_ entries: [TokenEntry], query: String, time: Int64, csrf: String,
                      shown: (RecordID, String)? = nil) -> Response {
        var rows = ""
        for e in ordered(entries, query: query) {
            let t = e.token
            let name = "<span class=\"issuer\">\(escape(t.issuer.isEmpty ? "(no issuer)" : t.issuer))</span> "
                + "<span class=\"account\">\(escape(t.account))</span>"
            if t.kind == .hotp {
                let code = shown.flatMap { $0.0 == e.id ? $0.1 : nil }
                let shownCode = code.map { "<button type=\"button\" class=\"code\" data-code=\"\(escape($0))\">\(escape($0))</button>" } ?? ""
                rows += """
                    <li class="token hotp" data-id="\(e.id.hex)">\(name) \(shownCode)<form method="post" action="/hotp">\
                    \(csrfField(csrf))<input type="hidden" name="id" value="\(e.id.hex)">\
                    <button type="submit">Show code</button></form> \(removeLink(e))</li>
                    """
            } else {
                let code = t.code(atUnixTime: time), left = t.secondsRemaining(atUnixTime: time)
                let next = left <= 10 ? "<span class=\"next\">next \(escape(t.code(atUnixTime: time + Int64(t.period))))</span>" : ""
                rows += """
                    <li class="token" data-id="\(e.id.hex)">\(name) \
                    <button type="button" class="code" data-code="\(escape(code))">\(escape(code))</button> \
                    <span class="left" data-left="\(left)" data-period="\(t.period)">\(left) s</span> \(next) \(removeLink(e))</li>
                    """
            }
        }
        if rows.isEmpty { rows = "<li>No tokens\(query.isEmpty ? " yet" : " match")</li>" }
        return html(title: "Codes", """
            <header><h1>Codes</h1><form method="post" action="/lock">\(csrfField(csrf))<button type="submit">Lock now</button></form></header><p><a href="/add">Add a token</a></p>\
            <form method="get" action="/" role="search"><label for="q">Search</label> \
            <input type="search" id="q" name="q" value="\(escape(query))"> <button type="submit">Search</button></form>\
            <ul class="codes">\(rows)</ul><p id="copied" role="status"></p>
            """)
    }
}
