import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// What the daemon answers to one request; `watch` answers with a stream.
public enum ControlReply: Sendable {
    /// One answer line.
    case one(ControlResponse)
    /// A first line, then one line per element until the stream ends or the client goes;
    /// `cancel` runs when either happens.
    case stream(ControlResponse, AsyncStream<ControlResponse>, cancel: @Sendable () async -> Void)
}

/// Answers control requests (the daemon implements it; tests use fakes).
public protocol ControlHandler: Sendable {
    /// Answers `request` from a peer already checked to be this user.
    func handle(_ request: ControlRequest, peer: PeerCredentials) async -> ControlReply
}

/// The daemon's control socket (Protocol/daemon.md, "The control socket"): a Unix stream
/// socket, mode 0600, that accepts only peers whose kernel-reported uid (`SO_PEERCRED`) is
/// the daemon's, and speaks one JSON object per line each way.
///
/// Each connection is served on its own thread with blocking reads (requests are rare
/// and tiny); the handler runs on the Swift concurrency pool.
public final class ControlSocket: Service, Sendable {
    /// The socket's path.
    public let path: String
    private let listener: Int32
    private let handler: any ControlHandler
    private let logger: Logger
    private let stopped = Atomic<Bool>(false)

    /// Longest request line.
    static let maximumLine = 64 * 1024

    /// Binds `path` (replacing a stale socket file; the caller holds the daemon lock, so
    /// no live daemon owns it) and listens.
    public init(path: String, handler: any ControlHandler, logger: Logger) throws {
        self.path = path
        self.handler = handler
        self.logger = logger
        guard var address = UnixSocket.address(path) else {
            throw DaemonError.socket("the socket path \(path) is longer than \(ControlSocketPath.maximumLength) bytes: use a shorter --home")
        }
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DaemonError.socket("cannot create a Unix socket: \(String(cString: strerror(errno)))") }
        let previous = umask(0o177)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(previous)
        guard bound == 0, chmod(path, 0o600) == 0, listen(fd, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw DaemonError.socket("cannot listen on \(path): \(reason)")
        }
        listener = fd
    }

    /// Serves until graceful shutdown or cancellation, then closes and removes the socket.
    public func run() async throws {
        Thread.detachNewThread { [self] in acceptLoop() }
        try? await gracefulShutdown()
        stop()
    }

    /// Stops accepting; the socket file is removed.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        unlink(path)
    }

    private func acceptLoop() {
        defer { close(listener) }
        while !stopped.load(ordering: .acquiring) {
            var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 250) > 0 else { continue }
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { continue }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            Thread.detachNewThread { [self] in serve(fd) }
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        guard let peer = PeerCredentials.of(fd), peer.isSameUser else {
            logger.warning("refused a control connection from another user")
            _ = UnixSocket.writeAll(fd, Self.encode(.failure("forbidden", "the daemon serves only its own user")))
            return
        }
        UnixSocket.setReceiveTimeout(fd, seconds: 60)
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let reader = LineReader(fd: fd, limit: Self.maximumLine)
        while let line = reader.next() {
            if line.isEmpty { continue }
            guard let request = Self.decode(line) else {
                guard UnixSocket.writeAll(fd, Self.encode(.failure("bad_request", "send one JSON object per line with an \"op\" member"))) else { return }
                continue
            }
            let handler = self.handler
            let reply = Self.wait { await handler.handle(request, peer: peer) }
            switch reply {
            case .one(let response):
                guard UnixSocket.writeAll(fd, Self.encode(response)) else { return }
            case .stream(let first, let stream, let cancel):
                guard UnixSocket.writeAll(fd, Self.encode(first)) else {
                    Self.wait { await cancel() }
                    return
                }
                Self.wait {
                    for await element in stream where !UnixSocket.writeAll(fd, Self.encode(element)) { break }
                    await cancel()
                }
                return
            }
        }
    }

    /// Runs async work from a connection thread and waits for it.
    private static func wait<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.value = await body()
            done.signal()
        }
        done.wait()
        return box.value!
    }

    static func decode(_ line: [UInt8]) -> ControlRequest? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(ControlRequest.self, from: Data(line))
    }

    static func encode(_ response: ControlResponse) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(response)) ?? Data(#"{"ok":false}"#.utf8)
        return Array(data) + [UInt8(ascii: "\n")]
    }
}

/// Carries a value from a task to the thread waiting for it.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
