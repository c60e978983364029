import Hummingbird
import ServiceLifecycle

extension RelayRoutes {
    /// `GET /v1/events`: server-sent events (relay-api.md, "Push: server-sent events").
    ///
    /// The first event gives the current seq; later ones come from ``PushHub``. The stream
    /// ends when the device is revoked, its token expires, or the relay shuts down
    /// gracefully (the connection then closes cleanly).
    func addEvents(to group: RouterGroup<Context>) {
        group.get("events") { _, context -> Response in
            let device = try context.requireDevice()
            let limits = relay.configuration.limits
            let hub = relay.hub
            let subscription = try hub.subscribe(account: device.accountID, device: device.deviceID, expiresAtMs: device.expiresAtMs,
                                                 perDevice: limits.streamsPerDevice, perAccount: limits.streamsPerAccount)
            let seq: Int64
            do {
                seq = try await relay.store.head(account: device.accountID)?.seq ?? 0
            } catch {
                hub.close(account: device.accountID, id: subscription.id)
                throw error
            }
            let account = device.accountID
            let events = subscription.events
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    try await withGracefulShutdownHandler {
                        try await writer.write(ByteBuffer(string: PushEvent.records(seq: seq).text))
                        for await event in events {
                            try await writer.write(ByteBuffer(string: event.text))
                            if event.closesStream { break }
                        }
                    } onGracefulShutdown: {
                        hub.close(account: account, id: subscription.id)
                    }
                    try await writer.finish(nil)
                })
        }
    }
}
