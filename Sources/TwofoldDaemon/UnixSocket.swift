import Foundation

/// Small POSIX helpers for the control socket: addresses, whole writes, line reads.
enum UnixSocket {
    /// Fills a `sockaddr_un` for `path`; nil when the path does not fit.
    static func address(_ path: String) -> sockaddr_un? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
        return address
    }

    /// Connects a new stream socket to `path`; -1 when nothing listens there.
    static func connect(_ path: String) -> Int32 {
        guard var address = address(path) else { return -1 }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return -1 }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result != 0 {
            close(fd)
            return -1
        }
        return fd
    }

    /// Writes all of `bytes`; false when the peer went away.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }

    /// Sets the receive timeout of `fd`.
    static func setReceiveTimeout(_ fd: Int32, seconds: Int) {
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }
}

/// Reads newline-terminated lines from a socket, at most `limit` bytes each. The buffer
/// is wiped when the reader is released: lines may carry the unlock key.
final class LineReader {
    private let fd: Int32
    private let limit: Int
    private var buffer: [UInt8] = []

    init(fd: Int32, limit: Int = 64 * 1024) {
        self.fd = fd
        self.limit = limit
    }

    deinit { wipe() }

    /// The next line without its newline; nil at end of stream, on a timeout, an error, or
    /// a line over the limit.
    func next() -> [UInt8]? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.withUnsafeMutableBytes { raw in
                    _ = memset(raw.baseAddress!, 0, newline + 1)
                }
                buffer.removeFirst(newline + 1)
                return line
            }
            guard buffer.count <= limit else { return nil }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            buffer.append(contentsOf: chunk[..<n])
            chunk.withUnsafeMutableBytes { _ = memset($0.baseAddress!, 0, $0.count) }
        }
    }

    private func wipe() {
        buffer.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { _ = memset(base, 0, raw.count) }
        }
    }
}
