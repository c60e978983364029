import Foundation

/// A loopback HTTP/1.1 proxy in front of a real relay that makes the relay's clock look
/// `skewMs` ahead: it rewrites every response's `Date` header and the `time_ms` of
/// `/v1/health`, and passes everything else through unchanged. One request per
/// connection (`Connection: close` both ways), a thread per connection; no push streams.
final class ClockSkewProxy: @unchecked Sendable {
    let port: Int
    let upstreamPort: Int
    let skewMs: Int64
    private let listener: Int32
    private let lock = NSLock()
    private var stopped = false
    var url: String { "http://127.0.0.1:\(port)" }

    init(upstreamPort: Int, skewMs: Int64) throws {
        self.upstreamPort = upstreamPort
        self.skewMs = skewMs
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 64) == 0 else { close(fd); throw ProxyFailure() }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    struct ProxyFailure: Error {}

    /// Rewrites a message passing through (LinkingTests: a relay that swaps keys). Given the
    /// request line (`POST /v1/link HTTP/1.1`), the status (0 for a request) and the body,
    /// it returns the body to pass on instead, or nil to pass it unchanged.
    typealias Rewrite = @Sendable (_ requestLine: String, _ status: Int, _ body: [UInt8]) -> [UInt8]?
    private var hooks: (request: Rewrite?, response: Rewrite?) = (nil, nil)

    /// Sets the rewrites of requests on their way to the relay and of its responses.
    func rewrite(requests: Rewrite? = nil, responses: Rewrite? = nil) {
        lock.lock()
        defer { lock.unlock() }
        hooks = (requests, responses)
    }

    private var currentHooks: (request: Rewrite?, response: Rewrite?) {
        lock.lock()
        defer { lock.unlock() }
        return hooks
    }

    /// Stops accepting; connections in flight finish.
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { stop() }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if isStopped || errno == EBADF || errno == EINVAL { return }
                continue
            }
            Thread { [self] in serve(fd) }.start()
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        guard var request = Self.readMessage(client, untilClose: false) else { return }
        request.head = Self.replacingHeader("Connection", with: "close", in: request.head)
        let requestLine = request.head.components(separatedBy: "\r\n").first ?? ""
        let hooks = currentHooks
        if let rewrite = hooks.request, let body = rewrite(requestLine, 0, request.body) {
            request.body = body
            request.head = Self.replacingHeader("Content-Length", with: "\(body.count)", in: request.head)
        }
        let upstream = Self.connect(port: upstreamPort)
        guard upstream >= 0 else { return }
        defer { close(upstream) }
        guard Self.writeAll(upstream, Array(request.head.utf8) + request.body),
              var response = Self.readMessage(upstream, untilClose: true) else { return }
        response.head = rewriteDate(in: response.head)
        if request.head.hasPrefix("GET ") && request.head.split(separator: " ").dropFirst().first?.hasPrefix("/v1/health") == true {
            response.body = rewriteTime(in: response.body)
            response.head = Self.replacingHeader("Content-Length", with: "\(response.body.count)", in: response.head)
        }
        let status = Int(response.head.split(separator: " ").dropFirst().first ?? "") ?? 0
        if let rewrite = hooks.response, let body = rewrite(requestLine, status, response.body) {
            response.body = body
            response.head = Self.replacingHeader("Content-Length", with: "\(body.count)", in: response.head)
        }
        response.head = Self.replacingHeader("Connection", with: "close", in: response.head)
        _ = Self.writeAll(client, Array(response.head.utf8) + response.body)
    }

    /// `Date: <relay time + skew>`.
    func rewriteDate(in head: String) -> String {
        var lines = head.components(separatedBy: "\r\n")
        for (i, line) in lines.enumerated() where line.lowercased().hasPrefix("date:") {
            let value = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
            guard let date = Self.httpDate.date(from: value) else { continue }
            lines[i] = "Date: " + Self.httpDate.string(from: date.addingTimeInterval(Double(skewMs) / 1000))
        }
        return lines.joined(separator: "\r\n")
    }

    /// `"time_ms":<relay time + skew>` in a JSON body.
    func rewriteTime(in body: [UInt8]) -> [UInt8] {
        var text = String(decoding: body, as: UTF8.self)
        guard let key = text.range(of: "\"time_ms\"") else { return body }
        var index = key.upperBound
        while index < text.endIndex, text[index] == ":" || text[index] == " " { index = text.index(after: index) }
        var end = index
        while end < text.endIndex, text[end].isNumber { end = text.index(after: end) }
        guard let value = Int64(text[index..<end]) else { return body }
        text.replaceSubrange(index..<end, with: String(value + skewMs))
        return Array(text.utf8)
    }

    static let httpDate: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }()

    /// One message: the head (through the blank line) and the body (by Content-Length, or,
    /// for a response, until the upstream closes).
    static func readMessage(_ fd: Int32, untilClose: Bool) -> (head: String, body: [UInt8])? {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            let n = read(fd, &chunk, chunk.count)
            guard n > 0 else { return nil }
            data += chunk[0..<n]
            if data.count >= 4 {
                for i in 0...(data.count - 4) where Array(data[i..<i + 4]) == separator { headEnd = i + 4; break }
            }
        }
        let head = String(decoding: data[0..<headEnd!], as: UTF8.self)
        var body = Array(data[headEnd!...])
        if untilClose {
            while true {
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { break }
                body += chunk[0..<n]
            }
        } else {
            let length = head.components(separatedBy: "\r\n")
                .first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            while body.count < length {
                let n = read(fd, &chunk, chunk.count)
                guard n > 0 else { return nil }
                body += chunk[0..<n]
            }
        }
        return (head, body)
    }

    /// The head with `name` set to `value` (replacing any such header).
    static func replacingHeader(_ name: String, with value: String, in head: String) -> String {
        var lines = head.components(separatedBy: "\r\n").filter { !$0.lowercased().hasPrefix(name.lowercased() + ":") }
        // lines ends with "", "" (the blank line); insert before them.
        let insertAt = max(1, lines.count - 2)
        lines.insert("\(name): \(value)", at: insertAt)
        return lines.joined(separator: "\r\n")
    }

    static func connect(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
        if !ok { close(fd); return -1 }
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}
