/// Appends big-endian integers and byte strings: the canonical encodings of Protocol/.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func append(_ data: [UInt8]) { bytes.append(contentsOf: data) }
    mutating func append(_ text: String) { bytes.append(contentsOf: Array(text.utf8)) }
    mutating func append(_ value: UInt8) { bytes.append(value) }
    mutating func append(_ value: UInt16) { appendBigEndian(UInt64(value), width: 2) }
    mutating func append(_ value: UInt32) { appendBigEndian(UInt64(value), width: 4) }
    mutating func append(_ value: UInt64) { appendBigEndian(value, width: 8) }

    private mutating func appendBigEndian(_ value: UInt64, width: Int) {
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
}

/// Reads what ``ByteWriter`` writes, refusing to read past the end.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset: Int = 0
    /// Names the structure being read, for error messages.
    let what: String

    init(_ bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset == bytes.count }

    mutating func read(count: Int) throws(ProtocolError) -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw .malformed(what: what, reason: "truncated at byte \(offset)")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func readUInt8() throws(ProtocolError) -> UInt8 { try read(count: 1)[0] }
    mutating func readUInt16() throws(ProtocolError) -> UInt16 { UInt16(try readBigEndian(width: 2)) }
    mutating func readUInt32() throws(ProtocolError) -> UInt32 { UInt32(try readBigEndian(width: 4)) }
    mutating func readUInt64() throws(ProtocolError) -> UInt64 { try readBigEndian(width: 8) }

    func expectEnd() throws(ProtocolError) {
        guard isAtEnd else { throw .malformed(what: what, reason: "\(remaining) trailing bytes") }
    }

    private mutating func readBigEndian(width: Int) throws(ProtocolError) -> UInt64 {
        try read(count: width).reduce(0) { ($0 << 8) | UInt64($1) }
    }
}
