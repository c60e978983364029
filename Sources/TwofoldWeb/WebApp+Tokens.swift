import Foundation
import Hummingbird
import TwofoldOTP
import TwofoldProtocol
import TwofoldVault

extension WebApp {
    /// Adding a token from an otpauth:// URI (what `twofold add URI` does) and removing one
    /// behind a confirmation page (what `twofold remove` does).
    func addTokenRoutes(to router: Router<BasicRequestContext>, csrf: @escaping @Sendable (Request) -> String) {
        let sessions = self.sessions, holder = self.holder
        router.get("/add") { request, _ -> Response in
            guard !holder.isLocked else { return WebPages.redirect("/unlock") }
            return WebPages.add(csrf: csrf(request))
        }
        router.post("/add") { request, _ -> Response in
            let form = try await WebForm.read(request, sessions: sessions)
            let uri = (form["uri"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let token: OTPToken
            do {
                token = try KeyURI.parse(uri)
                try token.validate()
            } catch {
                return WebPages.add(csrf: csrf(request), error: "Not added: \(error). Paste the whole otpauth:// URI.")
            }
            do {
                guard try holder.with({ vault in try vault.add(token) }) != nil else { return WebPages.redirect("/unlock") }
            } catch {
                return WebPages.add(csrf: csrf(request), error: "Not added: \(error).")
            }
            return WebPages.redirect("/")
        }
        router.get("/remove") { request, _ -> Response in
            guard let hex = request.uri.queryParameters.get("id"), let id = try? RecordID(hex: hex) else {
                return WebPages.refusal(.badRequest, "No token id: go back to the codes page.")
            }
            guard let entry = try holder.with({ vault in try vault.tokens().entries.first { $0.id == id } }) else {
                return WebPages.redirect("/unlock")
            }
            guard let entry else { return WebPages.refusal(.notFound, "No such token: it may have been removed already.") }
            return WebPages.confirmRemove(entry, csrf: csrf(request))
        }
        router.post("/remove") { request, _ -> Response in
            let form = try await WebForm.read(request, sessions: sessions)
            guard let hex = form["id"], let id = try? RecordID(hex: hex) else {
                return WebPages.refusal(.badRequest, "No token id in the form: reload the page.")
            }
            guard try holder.with({ vault in try vault.remove(id: id) }) != nil else { return WebPages.redirect("/unlock") }
            return WebPages.redirect("/")
        }
    }
}

extension WebPages {
    static func add(csrf: String, error: String? = nil) -> Response {
        let message = error.map { "<p class=\"error\" role=\"alert\">\(escape($0))</p>" } ?? ""
        return html(error == nil ? .ok : .badRequest, title: "Add a token", """
            <h1>Add a token</h1>\(message)<form method="post" action="/add">\(csrfField(csrf))\
            <label for="uri">otpauth:// URI</label><br><textarea id="uri" name="uri" rows="3" cols="40" required></textarea><br>\
            <button type="submit">Add</button></form><p><a href="/">Back to the codes</a></p>
            """)
    }

    static func confirmRemove(_ entry: TokenEntry, csrf: String) -> Response {
        html(title: "Remove", """
            <h1>Remove \(escape(entry.token.label.isEmpty ? "this token" : entry.token.label))?</h1>\
            <p>Its codes stop working here and on every linked device; a snapshot can bring it back.</p>\
            <form method="post" action="/remove">\(csrfField(csrf))<input type="hidden" name="id" value="\(entry.id.hex)">\
            <button type="submit">Remove</button></form><p><a href="/">Keep it</a></p>
            """)
    }
}
