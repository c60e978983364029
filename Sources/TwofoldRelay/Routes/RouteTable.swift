/// Every route of the relay, as Protocol/relay-api.md, "Routes" lists them [API-15]; used to
/// answer 405 with `Allow` for a known path with another method.
enum RouteTable {
    static let routes: [(method: String, path: String)] = [
        ("GET", "/v1/health"), ("GET", "/metrics"),
        ("POST", "/v1/auth/challenge"), ("POST", "/v1/auth/token"),
        ("POST", "/v1/accounts"), ("GET", "/v1/accounts/{account_id}/passphrase"),
        ("GET", "/v1/account"), ("DELETE", "/v1/account"),
        ("POST", "/v1/recovery/claim"),
        ("POST", "/v1/link"), ("GET", "/v1/link/{rendezvous_id}"),
        ("POST", "/v1/link/{rendezvous_id}/reply"), ("POST", "/v1/link/{rendezvous_id}/collect"),
        ("GET", "/v1/records"), ("POST", "/v1/records"), ("GET", "/v1/head"),
        ("GET", "/v1/grant"), ("PUT", "/v1/grants"), ("POST", "/v1/rotations"),
        ("GET", "/v1/snapshots"), ("POST", "/v1/snapshots"),
        ("GET", "/v1/snapshots/{snapshot_id}"), ("DELETE", "/v1/snapshots/{snapshot_id}"),
        ("GET", "/v1/events"),
    ]

    /// The methods of the routes whose template matches `path`.
    static func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return routes.filter { route in
            let template = route.path.split(separator: "/", omittingEmptySubsequences: false)
            guard template.count == segments.count else { return false }
            return zip(template, segments).allSatisfy { t, s in (t.hasPrefix("{") && !s.isEmpty) || t == s }
        }.map(\.method)
    }
}
