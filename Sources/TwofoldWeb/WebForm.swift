import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body, read with a size limit.
struct WebForm {
    var fields: [String: String]

    subscript(_ name: String) -> String? { fields[name] }

    /// Reads the form and checks its CSRF token against the session's [WEB-4].
    static func read(_ request: Request, sessions: WebSessions, limit: Int = 64 * 1024) async throws -> WebForm {
        var body = try await request.body.collect(upTo: limit)
        let text = body.readString(length: body.readableBytes) ?? ""
        let form = WebForm(fields: parse(text))
        guard let session = sessions.session(cookie: WebGuard<BasicRequestContext>.cookie(request)),
              let sent = form["csrf"], WebSessions.constantTimeEqual(sent, sessions.csrfToken(session: session))
        else { throw HTTPError(.forbidden, message: "Refused: the form's CSRF token is missing or wrong; reload the page.") }
        return form
    }

    static func parse(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            out[decode(kv[0])] = kv.count > 1 ? decode(kv[1]) : ""
        }
        return out
    }
}
