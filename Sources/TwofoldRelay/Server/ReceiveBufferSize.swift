import NIOCore

/// Sets a connection's first receive buffer to 512 bytes instead of NIO's 2 KB, then leaves
/// the pipeline. NIO keeps each connection's receive buffer for reuse, so an idle push stream
/// holds one for as long as it is open; a request with a bearer token fits in 512 bytes, and
/// the buffer still grows (up to 64 KB) for connections that read more.
final class ReceiveBufferSize: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    func handlerAdded(context: ChannelHandlerContext) {
        try? context.channel.syncOptions?.setOption(
            ChannelOptions.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
