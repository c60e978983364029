import Foundation
import LoopbackHTTP

/// One keep-alive HTTP/1.1 connection to the relay on 127.0.0.1, made from a loopback source
/// address of its own, for the `devices` load (`DeviceLoad`).
///
/// A simulated device keeps its connection open across requests, as a real device's HTTP client
/// does (`RawHTTP` closes after each answer, which is right for the one-off commands). The source
/// address lets every simulated device count as a client of its own against the relay's
/// per-address limits, which real devices on their own networks are: the whole of 127.0.0.0/8 is
/// loopback on Linux, so 127.0.A.B reaches a relay listening on 127.0.0.1.
final class LoadConnection {
    /// The connected socket.
    let fd: Int32
    /// Bytes received and not yet consumed.
    private var buffer: [UInt8] = []

    /// Connects from `source` (dotted quad, 127.x.y.z) to 127.0.0.1:`port`; receives and sends
    /// time out after `timeout` seconds.
    init(port: Int, source: String, timeout: TimeInterval = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoadFailure("socket failed: \(String(cString: strerror(errno)))", kind: "connect failed") }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        // Each request goes out in one send; without this, the second of two sends in a row could
        // wait for the first one's ACK.
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        let connected = bound == 0 && withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
        guard connected else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw LoadFailure("connect from \(source) to port \(port) failed: \(reason)", kind: "connect failed")
        }
    }

    deinit { close(fd) }

    /// Sends one request (keep-alive), head and body in one write.
    func send(_ method: String, _ path: String, body: String? = nil, token: String? = nil) throws {
        guard RawHTTP.sendAll(RawHTTP.requestBytes(method, path, body: body, token: token, keepAlive: true), to: fd) else {
            throw LoadFailure("send failed: \(String(cString: strerror(errno)))", kind: "send failed")
        }
    }

    /// One request and its whole answer.
    func request(_ method: String, _ path: String, body: String? = nil, token: String? = nil) throws -> LoadResponse {
        try send(method, path, body: body, token: token)
        let head = try readHead()
        var payload: [UInt8] = []
        if head.chunked {
            while let chunk = try nextChunk(blocking: true) { payload += chunk }
        } else {
            let length = head.contentLength ?? 0
            while buffer.count < length { try fill() }
            payload = Array(buffer[..<length])
            buffer.removeFirst(length)
        }
        return LoadResponse(status: head.status, body: payload)
    }

    /// Reads a response's status line and headers.
    func readHead() throws -> (status: Int, chunked: Bool, contentLength: Int?) {
        var end = find([13, 10, 13, 10])
        while end == nil {
            try fill()
            end = find([13, 10, 13, 10])
        }
        let text = String(decoding: buffer[..<end!], as: UTF8.self)
        buffer.removeFirst(end! + 4)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") else {
            throw LoadFailure("no status line in '\(text.prefix(80))'", kind: "malformed response")
        }
        var chunked = false, length: Int?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased(), value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "transfer-encoding" { chunked = value.lowercased().contains("chunked") }
            if name == "content-length" { length = Int(value) }
        }
        return (status, chunked, length)
    }

    /// The next chunk of a chunked body: its bytes, or nil at the last (empty) chunk. Without
    /// `blocking`, answers `[]` when the buffer does not yet hold a whole chunk instead of reading.
    func nextChunk(blocking: Bool) throws -> [UInt8]? {
        while true {
            if let lineEnd = find([13, 10]) {
                let sizeText = String(decoding: buffer[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                    throw LoadFailure("bad chunk size '\(sizeText.prefix(20))'", kind: "malformed response")
                }
                if size == 0 {
                    // The last chunk: no trailers are sent, so an empty line ends the body.
                    if buffer.count >= lineEnd + 4 {
                        buffer.removeFirst(lineEnd + 4)
                        return nil
                    }
                } else if buffer.count >= lineEnd + 2 + size + 2 {
                    let chunk = Array(buffer[(lineEnd + 2)..<(lineEnd + 2 + size)])
                    buffer.removeFirst(lineEnd + 2 + size + 2)
                    return chunk
                }
            }
            guard blocking else { return [] }
            try fill()
        }
    }

    /// Reads what the socket holds now (one `recv`) into the buffer; throws when the peer closed
    /// the connection, on an error and on the timeout.
    func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let n = recv(fd, &chunk, chunk.count, 0)
        if n > 0 {
            buffer += chunk[0..<n]
            return
        }
        if n == 0 { throw LoadFailure("connection closed by the relay", kind: "connection closed") }
        if errno == EAGAIN || errno == EWOULDBLOCK { throw LoadFailure("no answer within the timeout", kind: "timed out") }
        throw LoadFailure("receive failed: \(String(cString: strerror(errno)))", kind: "receive failed")
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        return buffer.withUnsafeBufferPointer { b in
            var i = 0
            while i <= b.count - pattern.count {
                if b[i] == pattern[0] {
                    var j = 1
                    while j < pattern.count && b[i + j] == pattern[j] { j += 1 }
                    if j == pattern.count { return i }
                }
                i += 1
            }
            return nil
        }
    }
}
