import TwofoldProtocol

/// Reads the members of one request object, refusing what the spec refuses
/// (Protocol/relay-api.md, "Conventions"): unknown members [API-2], identifiers that are
/// not 32 lowercase hex digits and binary values that are not canonical unpadded
/// base64url [API-1], integers out of range. Every refusal is `malformed_request` naming
/// the field.
struct JSONObjectReader {
    /// The path of this object in the body, for messages (`writes[3]`).
    let path: String
    private let members: [String: JSONValue]

    /// Wraps `value`, which must be an object whose member names are all in `allowed`.
    init(_ value: JSONValue, path: String = "body", allowed: Set<String>) throws(RelayError) {
        guard case .object(let list) = value else { throw .malformed("\(path) must be a JSON object") }
        var members: [String: JSONValue] = [:]
        for member in list {
            guard allowed.contains(member.key) else {
                throw .malformed("\(path) has the unknown member '\(member.key.prefix(40))' (this relay speaks API v1)")
            }
            members[member.key] = member.value
        }
        self.path = path
        self.members = members
    }

    private func name(_ key: String) -> String { path == "body" ? "field '\(key)'" : "field '\(path).\(key)'" }

    /// Whether the member is present (even as null).
    func has(_ key: String) -> Bool { members[key] != nil }

    /// Whether the member is present and null.
    func isNull(_ key: String) -> Bool { members[key] == .null }

    /// The raw value of a required member.
    func value(_ key: String) throws(RelayError) -> JSONValue {
        guard let v = members[key] else { throw .malformed("\(name(key)) is required") }
        return v
    }

    /// A required string.
    func string(_ key: String) throws(RelayError) -> String {
        guard case .string(let s) = try value(key) else { throw .malformed("\(name(key)) must be a string") }
        return s
    }

    /// A required boolean.
    func bool(_ key: String) throws(RelayError) -> Bool {
        guard case .bool(let b) = try value(key) else { throw .malformed("\(name(key)) must be true or false") }
        return b
    }

    /// A required integer in `range`.
    func int(_ key: String, in range: ClosedRange<Int64>) throws(RelayError) -> Int64 {
        guard case .int(let i) = try value(key), range.contains(i) else {
            throw .malformed("\(name(key)) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return i
    }

    /// An integer in `range`, null or absent as nil.
    func optionalInt(_ key: String, in range: ClosedRange<Int64>) throws(RelayError) -> Int64? {
        guard let v = members[key], v != .null else { return nil }
        return try int(key, in: range)
    }

    /// A 16-byte identifier as 32 lowercase hex digits [API-1].
    func id<Tag>(_ key: String, as: TwofoldID<Tag>.Type = TwofoldID<Tag>.self) throws(RelayError) -> TwofoldID<Tag> {
        let s = try string(key)
        guard let id = WireFormat.id(s, as: TwofoldID<Tag>.self) else {
            throw .malformed("\(name(key)) must be 32 lowercase hex digits")
        }
        return id
    }

    /// Canonical unpadded base64url of a length in `lengths` [API-1].
    func bytes(_ key: String, lengths: ClosedRange<Int>) throws(RelayError) -> [UInt8] {
        let s = try string(key)
        guard let b = Base64URL.decode(s) else { throw .malformed("\(name(key)) must be canonical unpadded base64url") }
        guard lengths.contains(b.count) else {
            let want = lengths.lowerBound == lengths.upperBound ? "\(lengths.lowerBound)" : "\(lengths.lowerBound) to \(lengths.upperBound)"
            throw .malformed("\(name(key)) must hold \(want) bytes, not \(b.count)")
        }
        return b
    }

    /// A 32-byte public key.
    func key(_ key: String) throws(RelayError) -> [UInt8] { try bytes(key, lengths: 32...32) }

    /// A record version: 16 lowercase hex digits, '.', a device id (Protocol/sync.md, "Versions").
    func version(_ key: String) throws(RelayError) -> String {
        let s = try string(key)
        guard WireFormat.isVersion(s) else {
            throw .malformed("\(name(key)) must be 16 lowercase hex digits, '.', then 32 lowercase hex digits")
        }
        return s
    }

    /// A required nested object.
    func object(_ key: String, allowed: Set<String>) throws(RelayError) -> JSONObjectReader {
        try JSONObjectReader(try value(key), path: path == "body" ? key : "\(path).\(key)", allowed: allowed)
    }

    /// A required array of at most `max` items.
    func array(_ key: String, count range: ClosedRange<Int>) throws(RelayError) -> [JSONValue] {
        guard case .array(let items) = try value(key) else { throw .malformed("\(name(key)) must be an array") }
        guard range.contains(items.count) else {
            throw .malformed("\(name(key)) must have \(range.lowerBound) to \(range.upperBound) items, not \(items.count)")
        }
        return items
    }

    /// The path of item `index` of array `key`, for nested readers.
    func itemPath(_ key: String, _ index: Int) -> String { path == "body" ? "\(key)[\(index)]" : "\(path).\(key)[\(index)]" }
}
