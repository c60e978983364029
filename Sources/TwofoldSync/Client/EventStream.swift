import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// The relay's push stream, `GET /v1/events` (Protocol/relay-api.md, "Push: server-sent
/// events"), for the daemon: one connection, read until it closes (at the token's expiry,
/// on revocation, or when idle longer than ``RelayClientConfiguration/streamIdleTimeout``).
/// Reconnect with a fresh token and ``ServerSentEventParser/lastEventID``.
public struct EventStream: Sendable {
    /// The signed-in session.
    public let session: RelaySession

    /// Uses `session`.
    public init(session: RelaySession) { self.session = session }

    /// Opens the stream and calls `onEvent` for each event until the relay closes it.
    /// Returns the last event id seen. Throws ``SyncError`` for a refused or broken stream.
    public func run(lastEventID: String?, onEvent: @Sendable (RelayEvent) async -> Void) async throws(SyncError) -> String? {
        let client = session.client
        var request = HTTPClientRequest(url: client.configuration.endpoint.url("/v1/events"))
        request.headers.add(name: "Accept", value: "text/event-stream")
        request.headers.add(name: "Authorization", value: "Bearer \(try await session.accessToken())")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        var parser = ServerSentEventParser()
        do {
            // A stream lives at most as long as its token (15 min); the read timeout bounds silence.
            let response = try await client.http.execute(request, timeout: .minutes(16))
            guard response.status == .ok else {
                let body = try await response.body.collect(upTo: 1 << 16)
                if response.status == .unauthorized { await session.invalidate() }
                throw RelayClient.failure(status: Int(response.status.code), headers: response.headers,
                                          body: .init(body.readableBytesView))
            }
            for try await chunk in response.body {
                for event in parser.feed(chunk.readableBytesView) {
                    await onEvent(event)
                    if event == .revoked { return parser.lastEventID }
                }
            }
        } catch {
            throw RelayClient.transportError(error, relay: client.relay)
        }
        return parser.lastEventID ?? lastEventID
    }
}
