import Hummingbird
import TwofoldProtocol

extension RelayRoutes {
    /// `GET /v1/grant` and `PUT /v1/grants` (relay-api.md, "Grants") [API-21].
    func addGrants(to group: RouterGroup<Context>) {
        group.get("grant") { _, context -> Response in
            let device = try context.requireDevice()
            guard let grant = try await relay.store.grant(account: device.accountID, recipient: .device(device.deviceID)) else {
                throw RelayError(.grantMissing, "there is no grant for this device at the current epoch; ask another device to grant it (link again)")
            }
            return relay.json(.obj(["epoch": .int(grant.epoch), "sealed": WireFormat.b64(grant.sealed)]))
        }

        group.put("grants") { request, context -> Response in
            let device = try context.requireDevice()
            let body = try JSONObjectReader(try await relay.readJSON(request, limit: relay.configuration.limits.bodyBytes),
                                            allowed: ["epoch", "grants"])
            let epoch = try body.int("epoch", in: 1...WireFormat.maxEpoch)
            var grants: [GrantEntry] = []
            for (i, item) in try body.array("grants", count: 1...100).enumerated() {
                grants.append(try RequestParsing.grant(item, path: body.itemPath("grants", i), devicesOnly: true))
            }
            guard Set(grants.map(\.recipient)).count == grants.count else {
                throw RelayError.malformed("grants name a recipient twice; send one grant per device")
            }
            try await relay.store.putGrants(account: device.accountID, device: device.deviceID, epoch: epoch, grants: grants,
                                            nowMs: relay.clock.nowMs)
            return relay.noContent()
        }
    }
}
