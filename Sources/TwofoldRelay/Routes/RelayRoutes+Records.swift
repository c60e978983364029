import Hummingbird
import TwofoldProtocol

extension RelayRoutes {
    /// `GET /v1/records`, `POST /v1/records`, `GET /v1/head` (relay-api.md, "Records", "Heads").
    func addRecords(to group: RouterGroup<Context>) {
        group.get("records") { request, context -> Response in
            let device = try context.requireDevice()
            let (after, limit) = try Self.pageQuery(request.uri.queryParameters)
            let page = try await relay.store.pull(account: device.accountID, after: after, limit: limit)
            return relay.json(page.json)
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
                writes.append(try RequestParsing.recordWrite(item, path: body.itemPath("writes", i)))
            }
            try RequestParsing.requireDistinct(writes.map(\.recordID), what: "the batch")
            let head = try RequestParsing.head(try body.object("head", allowed: RequestParsing.headFields))
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
