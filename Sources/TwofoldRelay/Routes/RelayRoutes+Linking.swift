import Hummingbird
import ServiceLifecycle
import TwofoldCrypto
import TwofoldProtocol

extension RelayRoutes {
    /// Mailboxes live 10 minutes [DEV-10].
    static let mailboxLifetimeMs: Int64 = 600_000

    /// `POST /v1/link` and `POST /v1/link/{rendezvous_id}/collect`: the new device's side
    /// (devices.md, "Linking").
    func addOpenLinking(to group: RouterGroup<Context>) {
        group.post("link") { request, context -> Response in
            try limitUnauthenticated(request, context)
            let body = try JSONObjectReader(try await relay.readJSON(request, limit: relay.configuration.limits.bodyBytes),
                                            allowed: ["rendezvous_id", "device", "tag", "expires_at_ms"])
            guard let rendezvous = WireFormat.rendezvousID(try body.string("rendezvous_id")) else {
                throw RelayError.malformed("field 'rendezvous_id' must be 20 lowercase hex digits")
            }
            let offer = LinkOffer(rendezvousID: rendezvous,
                                  device: try RequestParsing.deviceKeys(try body.object("device", allowed: RequestParsing.deviceKeyFields)),
                                  tag: try body.bytes("tag", lengths: 32...32))
            try relay.limitAddress("mailboxes", rule: relay.configuration.limits.mailboxesPerAddress, request, context)
            let collectToken = SecureRandom.bytes(32)
            let now = relay.clock.nowMs
            let expires = now + Self.mailboxLifetimeMs
            try await relay.store.openMailbox(offer, collectHash: BLAKE2b.hash(collectToken, outputLength: 32),
                                              expiresAtMs: expires, nowMs: now)
            return relay.json(.obj(["rendezvous_id": .string(Hex.encode(rendezvous)), "expires_at_ms": .int(expires),
                                    "collect_token": WireFormat.b64(collectToken)]), status: .created)
        }

        group.post("link/{rendezvous_id}/collect") { request, context -> Response in
            try limitUnauthenticated(request, context)
            let body = try JSONObjectReader(try await relay.readJSON(request, limit: relay.configuration.limits.bodyBytes),
                                            allowed: ["collect_token", "wait_ms"])
            let token = try body.bytes("collect_token", lengths: 32...32)
            let waitMs = try body.optionalInt("wait_ms", in: 0...30_000) ?? 25_000
            guard let rendezvous = Self.rendezvous(context) else { throw SQLiteRelayStore.linkNotFound }
            let hash = BLAKE2b.hash(token, outputLength: 32)
            // Long poll: look every 250 ms until the reply is there or wait_ms has passed.
            let deadline = ContinuousClock.now + .milliseconds(waitMs)
            while true {
                if let reply = try await relay.store.collectMailbox(rendezvousID: rendezvous, collectHash: hash, nowMs: relay.clock.nowMs) {
                    return relay.json(reply.json)
                }
                guard ContinuousClock.now < deadline, !Task.isCancelled, !Self.isShuttingDown() else { break }
                try? await Task.sleep(for: .milliseconds(250))
            }
            return relay.noContent()
        }
    }

    /// `GET /v1/link/{rendezvous_id}` and `POST /v1/link/{rendezvous_id}/reply`: the
    /// existing device's side.
    func addLinking(to group: RouterGroup<Context>) {
        group.get("link/{rendezvous_id}") { _, context -> Response in
            _ = try context.requireDevice()
            guard let rendezvous = Self.rendezvous(context),
                  let box = try await relay.store.mailbox(rendezvousID: rendezvous, nowMs: relay.clock.nowMs) else {
                throw SQLiteRelayStore.linkNotFound
            }
            return relay.json(box.offer.json(expiresAtMs: box.expiresAtMs))
        }

        group.post("link/{rendezvous_id}/reply") { request, context -> Response in
            let device = try context.requireDevice()
            let body = try JSONObjectReader(try await relay.readJSON(request, limit: relay.configuration.limits.bodyBytes),
                                            allowed: ["epoch", "grant", "tag"])
            let epoch = try body.int("epoch", in: 1...WireFormat.maxEpoch)
            let grant = try body.bytes("grant", lengths: 1...RequestParsing.maxGrantBytes)
            try RecordAdmission.checkGrant(grant, field: "grant")
            let tag = try body.bytes("tag", lengths: 32...32)
            guard let rendezvous = Self.rendezvous(context) else { throw SQLiteRelayStore.linkNotFound }
            let now = relay.clock.nowMs
            guard let box = try await relay.store.mailbox(rendezvousID: rendezvous, nowMs: now) else { throw SQLiteRelayStore.linkNotFound }
            try await relay.store.replyToMailbox(rendezvousID: rendezvous, account: device.accountID, from: device.deviceID,
                                                 epoch: epoch, grant: grant, tag: tag, nowMs: now)
            relay.directory.set(device: box.offer.device.deviceID, account: device.accountID, status: .active)
            return relay.noContent()
        }
    }

    /// The path's rendezvous id; a malformed one is simply not found.
    static func rendezvous(_ context: Context) -> [UInt8]? {
        WireFormat.rendezvousID(context.parameters.get("rendezvous_id") ?? "")
    }

    /// Whether graceful shutdown has begun (long polls then answer at once).
    static func isShuttingDown() -> Bool {
        Task.isShuttingDownGracefully
    }
}
