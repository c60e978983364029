import Foundation
import TwofoldVault

/// The CLI's side of the control socket (Protocol/daemon.md, "The control socket"):
/// connects, checks that the daemon runs as this user (`SO_PEERCRED`), sends one request
/// line and reads one answer line. Blocking, with timeouts: the CLI is synchronous.
public struct ControlClient: Sendable {
    /// The socket path of the home.
    public let path: String
    /// The home.
    public let home: VaultHome

    /// A client for the daemon of `home`.
    public init(home: VaultHome) {
        self.home = home
        path = ControlSocketPath.resolve(home: home)
    }

    /// Tells the daemon that the vault may have changed, without waiting for an answer. Costs
    /// one `stat` when no daemon runs, and a connect and a write when one does.
    public static func nudge(home: VaultHome) {
        let path = ControlSocketPath.resolve(home: home)
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFSOCK else { return }
        let fd = UnixSocket.connect(path)
        guard fd >= 0 else { return }
        defer { close(fd) }
        guard PeerCredentials.of(fd)?.isSameUser == true else { return }
        _ = UnixSocket.writeAll(fd, Array(#"{"op":"nudge"}"#.utf8) + [UInt8(ascii: "\n")])
    }

    /// True when a daemon of this user answers on the socket.
    public var isRunning: Bool {
        let fd = UnixSocket.connect(path)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// Sends `request` and returns the daemon's answer (`ok` may be false). Throws
    /// ``DaemonError/notRunning(home:)`` when nothing listens.
    public func send(_ request: ControlRequest, timeoutSeconds: Int = 10) throws(DaemonError) -> ControlResponse {
        let fd = UnixSocket.connect(path)
        guard fd >= 0 else { throw .notRunning(home: home.path) }
        defer { close(fd) }
        guard let peer = PeerCredentials.of(fd), peer.isSameUser else {
            throw .socket("the process listening on \(path) does not run as this user: not talking to it")
        }
        UnixSocket.setReceiveTimeout(fd, seconds: timeoutSeconds)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard var line = try? Array(encoder.encode(request)) else { throw .protocolError("cannot encode the request") }
        line.append(UInt8(ascii: "\n"))
        defer { line.withUnsafeMutableBytes { _ = memset($0.baseAddress!, 0, $0.count) } }
        guard UnixSocket.writeAll(fd, line) else { throw .notRunning(home: home.path) }
        let reader = LineReader(fd: fd, limit: 1 << 20)
        guard var answer = reader.next() else {
            throw .protocolError("no answer within \(timeoutSeconds) s")
        }
        defer { answer.withUnsafeMutableBytes { if let base = $0.baseAddress { _ = memset(base, 0, $0.count) } } }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(ControlResponse.self, from: Data(answer))
        } catch {
            throw .protocolError("not a control answer")
        }
    }

    /// Like ``send(_:timeoutSeconds:)``, but a failure answer throws ``DaemonError/refused(code:message:)``.
    public func call(_ request: ControlRequest, timeoutSeconds: Int = 10) throws(DaemonError) -> ControlResponse {
        let response = try send(request, timeoutSeconds: timeoutSeconds)
        guard response.ok else {
            throw .refused(code: response.error?.code ?? "failed", message: response.error?.message ?? "the daemon refused the request")
        }
        return response
    }
}
