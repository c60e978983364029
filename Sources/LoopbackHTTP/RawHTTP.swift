import Foundation

/// A minimal HTTP/1.1 client over a blocking loopback socket, so end-to-end tests and the
/// relay's load tool need no HTTP library and can hold a connection open (push streams).
/// Shared by `twofold-relay-load` and `RelayEndToEndTests`; loopback only, by design.
public final class RawHTTP {
    /// The connected socket.
    public let fd: Int32

    /// Connects to 127.0.0.1:`port` with a receive timeout, from the loopback address
    /// `source` when given (any 127.x.y.z: a test's stand-in for another client).
    public init(port: Int, timeout: TimeInterval = 10, from source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError("socket failed") }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { close(fd); throw RawHTTPError("cannot bind to \(source)") }
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw RawHTTPError("connect to \(port) failed") }
    }

    deinit { close(fd) }

    /// Whether the peer has closed the connection (end of stream or reset), without waiting.
    public var peerClosed: Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK))
        if n > 0 { return false }
        if n == 0 { return true }
        return errno != EAGAIN && errno != EWOULDBLOCK
    }

    /// Sends one request (`Connection: close`).
    public func send(_ method: String, _ path: String, body: String? = nil, token: String? = nil) throws {
        guard Self.sendAll(Self.requestBytes(method, path, body: body, token: token, keepAlive: false), to: fd) else {
            throw RawHTTPError("send failed")
        }
    }

    /// One request to 127.0.0.1, head and body: a bearer `token` and a JSON `body` when given,
    /// and `Connection: close` unless `keepAlive`.
    public static func requestBytes(_ method: String, _ path: String, body: String?, token: String?, keepAlive: Bool) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if !keepAlive { head += "Connection: close\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        return Array((head + "\r\n" + (body ?? "")).utf8)
    }

    /// Writes all of `bytes` to the socket `fd` (no SIGPIPE); false when a send fails, with
    /// `errno` saying why.
    public static func sendAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }

    /// Reads until the peer closes (or the timeout); what arrived.
    public func readAll() -> String {
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads until `marker` has arrived (or the timeout).
    public func read(until marker: String) -> String {
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: out, as: UTF8.self).contains(marker) {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One request on a fresh connection: status and body (de-chunked).
    public static func request(port: Int, _ method: String, _ path: String, body: String? = nil, token: String? = nil) throws -> (status: Int, body: String) {
        let c = try RawHTTP(port: port, timeout: 30)
        try c.send(method, path, body: body, token: token)
        let text = c.readAll()
        guard let end = text.range(of: "\r\n\r\n") else { throw RawHTTPError("no response") }
        let head = text[..<end.lowerBound]
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        var payload = String(text[end.upperBound...])
        if head.lowercased().contains("transfer-encoding: chunked") { payload = dechunk(payload) }
        return (status, payload)
    }

    /// Joins the chunks of a chunked body.
    public static func dechunk(_ s: String) -> String {
        var rest = Substring(s), out = ""
        while let line = rest.range(of: "\r\n"), let size = Int(rest[..<line.lowerBound], radix: 16), size > 0 {
            let start = line.upperBound
            let bytes = Array(rest[start...].utf8)
            out += String(decoding: bytes.prefix(size), as: UTF8.self)
            rest = Substring(String(decoding: bytes.dropFirst(size + 2), as: UTF8.self))
        }
        return out
    }
}

/// A loopback HTTP failure: what went wrong, in one line.
public struct RawHTTPError: Error, CustomStringConvertible {
    /// The message.
    public let description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
