/// One event of the relay's push stream (Protocol/relay-api.md, "Push: server-sent events").
/// Events say that something changed, never what ([API-23]).
public enum RelayEvent: Sendable, Equatable {
    /// Records up to `seq` exist: pull after your last seq.
    case records(seq: UInt64)
    /// The account rotated to `epoch`: fetch the new grant.
    case epoch(UInt32)
    /// This device was revoked; the stream closes.
    case revoked
}

/// A WHATWG server-sent-events parser for the events the relay sends. Feed it bytes as
/// they arrive; it returns each complete event. Comments (`: keep-alive`) and unknown
/// event types are skipped; a malformed `data` is skipped rather than trusted.
public struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var event = ""
    private var data = ""
    private var lastWasCR = false
    /// The last `id:` seen, for `Last-Event-ID` on reconnect.
    public private(set) var lastEventID: String?

    /// Longest line accepted; a relay event is a few dozen bytes.
    static let maximumLine = 4096

    /// A parser at the start of a stream.
    public init() {}

    /// Consumes `bytes`, returning the events they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [RelayEvent] {
        var out: [RelayEvent] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") && lastWasCR { lastWasCR = false; continue }
            lastWasCR = byte == UInt8(ascii: "\r")
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if let event = endLine() { out.append(event) }
            } else if line.count < Self.maximumLine {
                line.append(byte)
            }
        }
        return out
    }

    private mutating func endLine() -> RelayEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return dispatch() }
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix(":") { return nil }
        let field: Substring, value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            var rest = text[text.index(after: colon)...]
            if rest.hasPrefix(" ") { rest = rest.dropFirst() }
            value = rest
        } else {
            field = Substring(text)
            value = ""
        }
        switch field {
        case "event": event = String(value)
        case "data": data += data.isEmpty ? String(value) : "\n" + value
        case "id": lastEventID = String(value)
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> RelayEvent? {
        defer { event = ""; data = "" }
        switch event {
        case "records": return Self.number(in: data, key: "seq").map { .records(seq: $0) }
        case "epoch": return Self.number(in: data, key: "epoch").flatMap { UInt32(exactly: $0) }.map { .epoch($0) }
        case "revoked": return .revoked
        default: return nil
        }
    }

    /// The integer member `key` of a one-member JSON object such as `{"seq":1027}`.
    static func number(in json: String, key: String) -> UInt64? {
        let compact = json.filter { !$0.isWhitespace }
        let prefix = "{\"\(key)\":"
        guard compact.hasPrefix(prefix), compact.hasSuffix("}") else { return nil }
        return UInt64(compact.dropFirst(prefix.count).dropLast())
    }
}
