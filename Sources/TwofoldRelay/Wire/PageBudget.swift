import TwofoldProtocol

/// How many records one pull page holds (Protocol/relay-api.md, "Records", "Limits"): at
/// most `limit` records, and records are added while their JSON in the page — each record
/// object exactly as ``RecordPage/encodedBody(allocator:)`` writes it, plus the comma
/// between two — stays within `maxBytes`. The first record always goes in, however large,
/// so every page makes progress; the page around the records adds under 1 KiB.
///
/// Both stores fill a page through one budget, so they cut pages at the same records.
public struct PageBudget: Sendable, Equatable {
    /// Records a page may hold (the request's `limit`).
    public let limit: Int
    /// Bytes the records of a page may take (`page-bytes`).
    public let maxBytes: Int
    /// Records admitted so far.
    public private(set) var count = 0
    /// Bytes they take.
    public private(set) var bytes = 0

    /// A budget for an empty page.
    public init(limit: Int, maxBytes: Int) {
        self.limit = limit
        self.maxBytes = maxBytes
    }

    /// Takes `record` into the page if it fits; false when the page ends before it.
    public mutating func admit(_ record: StoredRecord) -> Bool {
        guard count < limit else { return false }
        let size = Self.encodedSize(record) + (count > 0 ? 1 : 0)
        guard count == 0 || bytes + size <= maxBytes else { return false }
        count += 1
        bytes += size
        return true
    }

    /// The length of `record`'s JSON object in a page, without a separating comma.
    public static func encodedSize(_ record: StoredRecord) -> Int {
        // {"record_id":"<32 hex>","kind":K,"version":"V","epoch":E,"deleted":false,"sealed":"S","seq":N}
        let fixed = 14 + 2 * record.recordID.bytes.count + 9 + 11 + 9 + (record.deleted ? 26 : 27) + 8 + 1
        return fixed + decimalLength(record.kind) + jsonStringLength(record.version) + decimalLength(record.epoch)
            + base64URLLength(record.sealed.count) + decimalLength(record.seq)
    }

    /// Unpadded base64url length of `count` bytes.
    static func base64URLLength(_ count: Int) -> Int { count / 3 * 4 + [0, 2, 3][count % 3] }

    static func decimalLength(_ value: Int64) -> Int {
        var n = value.magnitude, digits = 1
        while n >= 10 { n /= 10; digits += 1 }
        return digits + (value < 0 ? 1 : 0)
    }

    /// The length of `s` as a JSON string with its quotes, escaped as ``JSONValue`` does.
    static func jsonStringLength(_ s: String) -> Int {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return s.utf8.count + 2
        }
        var bytes: [UInt8] = []
        JSONValue.writeString(s, into: &bytes)
        return bytes.count
    }
}
