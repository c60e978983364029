import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// The first handler after HTTP decoding on every connection: counts the connection in the
/// ``ConnectionTable`` by its peer's limit key (``ClientAddress``) while it is open, and
/// answers a connection past `connections-per-address` or `connections` with 503
/// `unavailable` and `Retry-After` as soon as its request head arrives, then closes it
/// (Protocol/relay-api.md, "Limits"). A refused connection that sends no whole head is
/// closed after ``refusedGrace``, so refusals do not hold descriptors for long.
///
/// The peer is the TCP peer: behind a trusted proxy every connection comes from the proxy,
/// which the table does not limit per address.
final class ConnectionGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    /// How long a refused connection may take to send its request head.
    static let refusedGrace = TimeAmount.seconds(2)
    /// What a refused client is told to wait, in seconds.
    static let retryAfterSeconds = 5

    private let table: ConnectionTable
    private let date: @Sendable () -> String
    private let onRefusal: @Sendable (ConnectionCounts.Decision) -> Void
    private var refusal: ConnectionCounts.Decision?
    private var answered = false
    private var graceTimer: Scheduled<Void>?

    /// A gate counting in `table`; `date` gives the `Date` header of a refusal [API-4].
    init(table: ConnectionTable, date: @escaping @Sendable () -> String,
         onRefusal: @escaping @Sendable (ConnectionCounts.Decision) -> Void) {
        self.table = table
        self.date = date
        self.onRefusal = onRefusal
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let key = ClientAddress.limitKey(context.channel.remoteAddress?.ipAddress ?? "unknown")
        let decision = table.admit(key)
        guard decision != .admitted else {
            let table = self.table
            context.channel.closeFuture.whenComplete { _ in table.release(key) }
            return
        }
        refusal = decision
        onRefusal(decision)
        let channel = context.channel
        graceTimer = context.eventLoop.scheduleTask(in: Self.refusedGrace) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        graceTimer?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let refusal else {
            context.fireChannelRead(data)
            return
        }
        guard case .head = unwrapInboundIn(data), !answered else { return }
        answered = true
        let error = RelayError(.unavailable, refusal == .tooManyFromAddress
                                   ? "too many connections from this address; close some, retry after \(Self.retryAfterSeconds) s"
                                   : "the relay has too many connections open; retry after \(Self.retryAfterSeconds) s",
                               retryAfterSeconds: Self.retryAfterSeconds)
        let body = ByteBuffer(bytes: error.json.bytes)
        var head = HTTPResponse(status: .serviceUnavailable)
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.retryAfter] = String(Self.retryAfterSeconds)
        head.headerFields[.connection] = "close"
        head.headerFields[.date] = date()
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let channel = context.channel
        // Output only: closing both ways with the request's rest unread would reset the
        // connection and could lose the answer; the grace timer closes the rest.
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
        }
    }
}
