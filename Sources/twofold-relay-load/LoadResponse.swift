import Foundation

/// An answer of the relay: status and (de-chunked) body.
struct LoadResponse {
    /// The HTTP status.
    let status: Int
    /// The body.
    let body: [UInt8]

    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    /// The error code of an error answer (`{"error": {"code": …}}`), or "".
    var errorCode: String {
        (json["error"] as? [String: Any])?["code"] as? String ?? ""
    }
}
