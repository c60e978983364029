import Hummingbird
import TwofoldProtocol

extension RelayRoutes {
    /// `GET /v1/records`, `POST /v1/records`, `GET /v1/head` (relay-api.md, "Records", "Heads").
    func addRecords(to group: RouterGroup<Context>) {
        group.get("records") { request, context -> Response in
            let device = try context.requireDevice()
            let (after, limit) = try Self.plainPageQuery(request.uri.query) ?? Self.pageQuery(request.uri.queryParameters)
            return try await relay.pull(account: device.accountID, after: after, limit: limit)
        }

        group.post("records") { request, context -> Response in
            let device = try context.requireDevice()
            let body = try JSONObjectReader(try await relay.readJSON(request, limit: relay.configuration.limits.bodyBytes),
                                            allowed: ["writes", "head"])
            let maxWrites = relay.configuration.limits.batchWrites
            guard case .array(let items) = try body.value("writes") else { throw RelayError.malformed("field 'writes' must be an array") }
            guard items.count <= maxWrites else {
                throw RelayError(.batchTooLarge, "the batch has \(items.count) writes; send at most \(maxWrites) per request",
                                 details: [.init("limit", .int(Int64(maxWrites)))])
            }
            var writes: [RecordWrite] = []
            writes.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                let path = body.itemPath("writes", i)
                let write = try RequestParsing.recordWrite(item, path: path)
                try RecordAdmission.checkShape(write, account: device.accountID, field: path)
                writes.append(write)
            }
            try RequestParsing.requireDistinct(writes.map(\.recordID), what: "the batch")
            var head = try RequestParsing.head(try body.object("head", allowed: RequestParsing.headFields))
            head.claim = try await relay.headClaim(head, device: device)
            let outcome = try await relay.store.push(account: device.accountID, device: device.deviceID, writes: writes, head: head,
                                                     quotas: relay.configuration.limits.quotas, nowMs: relay.clock.nowMs)
            relay.hub.publish(.records(seq: outcome.seq), account: device.accountID, exceptDevice: device.deviceID)
            return relay.json(outcome.json)
        }

        group.get("head") { _, context -> Response in
            let device = try context.requireDevice()
            let head = try await relay.store.head(account: device.accountID)
            return relay.json(.obj(["head": head?.json ?? .null]))
        }
    }

    /// Plain pulls (`GET /v1/records?after=N[&limit=N]`, the relay's most frequent request)
    /// answered by ``RelayResponder`` without the router: the same checks as
    /// ``AuthMiddleware`` (``Relay/authenticate(_:logger:)``) and the same page as the route
    /// (``Relay/pull(account:after:limit:)``), without the router's matching and two
    /// middleware layers around them. Nil for any other request, which the router answers.
    static func directPull(_ request: Request, context: Context, relay: Relay) async throws -> Response? {
        guard request.method == .get, request.uri.path == "/v1/records",
              let (after, limit) = plainPageQuery(request.uri.query) else { return nil }
        context.coreContext.endpointPath.value = "/v1/records"
        let device = try await relay.authenticate(request, logger: context.logger)
        return try await relay.pull(account: device.accountID, after: after, limit: limit)
    }

    /// The common query, `after=N` with an optional `limit=N`, read without decoding it into
    /// parameters; nil for anything else, which ``pageQuery(_:)`` then reads (and refuses if
    /// it must) — both give the same answer where this one answers.
    static func plainPageQuery(_ query: String?) -> (after: Int64, limit: Int)? {
        guard let query else { return nil }
        func number(_ digits: Substring.UTF8View) -> Int64? {
            guard (1...16).contains(digits.count), digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  digits.count == 1 || digits.first != UInt8(ascii: "0") else { return nil }
            return digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
        }
        var after: Int64?, limit: Int64?
        for part in query[...].utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false) {
            if part.starts(with: "after=".utf8), after == nil, let n = number(part.dropFirst(6)), n <= WireFormat.maxInteger {
                after = n
            } else if part.starts(with: "limit=".utf8), limit == nil, let n = number(part.dropFirst(6)), (1...1000).contains(n) {
                limit = n
            } else {
                return nil
            }
        }
        guard let after else { return nil }
        return (after, Int(limit ?? 500))
    }

    /// `after` (required, 0 to 2^53 − 1) and `limit` (1 to 1000, default 500), as decimal
    /// digits without sign or leading zeros [API-1].
    static func pageQuery(_ query: Parameters) throws(RelayError) -> (after: Int64, limit: Int) {
        func number(_ name: String, in range: ClosedRange<Int64>) throws(RelayError) -> Int64? {
            let values = query.getAll(name)
            guard !values.isEmpty else { return nil }
            guard values.count == 1, let text = values.first, let n = Int64(text), text.allSatisfy(\.isASCII),
                  text.allSatisfy(\.isNumber), text == String(n), range.contains(n) else {
                throw .malformed("query parameter '\(name)' must be one integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return n
        }
        guard let after = try number("after", in: 0...WireFormat.maxInteger) else {
            throw .malformed("query parameter 'after' is required: the highest seq this device holds, 0 for everything")
        }
        let limit = try number("limit", in: 1...1000) ?? 500
        return (after, Int(limit))
    }
}

extension Relay {
    /// Reads and signature-checks a pushed head against the pushing device's key [SYN-26].
    func headClaim(_ head: HeadWrite, device: AuthenticatedDevice) async throws -> HeadClaim {
        guard let found = try await store.device(device.deviceID, account: device.accountID), found.status == .active else {
            throw RelayError(.deviceRevoked, "this device was removed from the account: link it again from another device")
        }
        return try HeadAdmission.claim(head, account: device.accountID, device: device.deviceID, signKey: found.keys.signKey)
    }

    /// A page of the account's records: at most `limit`, ending early at the `page-bytes`
    /// budget (``PageBudget``). A page from the cache is one earlier store read,
    /// dropped on any change to the account (``PullPageCache``) [API-18]; the caller has
    /// checked the token, the device and the rate limit.
    func pull(account: AccountID, after: Int64, limit: Int) async throws -> Response {
        if let body = pullPages.lookup(account: account, after: after, limit: limit) {
            return json(body: body)
        }
        let ticket = pullPages.ticket()
        let page = try await store.pull(account: account, after: after, limit: limit, maxBytes: configuration.limits.pageBytes)
        let body = page.encodedBody()
        pullPages.insert(account: account, after: after, limit: limit, body: body, ticket: ticket)
        return json(body: body)
    }
}
