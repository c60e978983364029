import Foundation

/// The systemd notification protocol (sd_notify(3)), spoken directly: datagrams such as
/// `READY=1`, `STATUS=…`, `WATCHDOG=1`, `STOPPING=1` sent to the socket named by
/// `$NOTIFY_SOCKET` (a path, or an abstract name starting with `@`). Without that
/// variable (not started by systemd with `Type=notify`) every call does nothing.
///
/// The watchdog interval comes from `$WATCHDOG_USEC` (ignored when `$WATCHDOG_PID` names
/// another process); the daemon pings at half of it (Protocol/daemon.md, "systemd").
public struct SystemdNotifier: Sendable {
    private let socketPath: String?
    /// How often systemd expects `WATCHDOG=1`; nil when no watchdog is configured.
    public let watchdogInterval: Duration?

    /// Reads `$NOTIFY_SOCKET`, `$WATCHDOG_USEC` and `$WATCHDOG_PID` from `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        if path != nil, let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0,
           environment["WATCHDOG_PID"].flatMap(Int32.init).map({ $0 == getpid() }) ?? true {
            watchdogInterval = .microseconds(Int64(clamping: usec))
        } else {
            watchdogInterval = nil
        }
    }

    /// True when started by systemd with a notification socket.
    public var isEnabled: Bool { socketPath != nil }

    /// `READY=1` with a status line: the store is open and the control socket listens.
    public func ready(status: String) { send("READY=1\nSTATUS=\(status)\nMAINPID=\(getpid())") }

    /// `STATUS=…`: one line shown by `systemctl --user status twofoldd`.
    public func status(_ text: String) { send("STATUS=\(text)") }

    /// `WATCHDOG=1`: the daemon's loops are alive.
    public func watchdog() { send("WATCHDOG=1") }

    /// `STOPPING=1`: a clean shutdown has begun.
    public func stopping() { send("STOPPING=1\nSTATUS=stopping") }

    /// Sends one datagram; failures are ignored (systemd may be gone, the daemon is not).
    public func send(_ message: String) {
        guard let socketPath else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(socketPath.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
        // An abstract address's length counts exactly its bytes; a path's includes the NUL.
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let payload = Array(message.utf8)
        _ = payload.withUnsafeBytes { buffer in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
    }
}
