/// Typed, named access to the fields of one JSON object.
///
/// Every accessor either returns a value of the right type or throws an ``EntryError``
/// naming the field (with `path` as a prefix, e.g. `info.digits`). "Optional" accessors
/// treat an absent field and a JSON null alike, since exporters write either.
struct JSONFields: Sendable {
    let fields: [String: JSONValue]
    /// Prefix for field names in messages ("" at the top, "info." inside `info`).
    let path: String

    init(_ value: JSONValue, path: String = "", name: String = "entry") throws(EntryError) {
        guard case .object(let fields) = value else {
            throw .wrongType(path.isEmpty ? name : String(path.dropLast()), expected: "an object", found: value)
        }
        self.fields = fields
        self.path = path
    }

    /// The field's value, or nil when absent or null.
    func value(_ key: String) -> JSONValue? {
        guard let value = fields[key], value != .null else { return nil }
        return value
    }

    /// True when the field is present and not null.
    func has(_ key: String) -> Bool { value(key) != nil }

    func string(_ key: String) throws(EntryError) -> String {
        guard let value = value(key) else { throw .missing(path + key) }
        guard case .string(let text) = value else {
            throw .wrongType(path + key, expected: "a string", found: value)
        }
        return text
    }

    func optionalString(_ key: String) throws(EntryError) -> String? {
        guard has(key) else { return nil }
        return try string(key)
    }

    func int(_ key: String) throws(EntryError) -> Int {
        guard let value = value(key) else { throw .missing(path + key) }
        switch value {
        case .integer(let number):
            guard let int = Int(exactly: number) else { throw .invalid(path + key, "is out of range") }
            return int
        case .float(let number) where number == number.rounded() && abs(number) < 1e15:
            return Int(number)
        case .unsigned, .float:
            throw .invalid(path + key, "must be a whole number in range, found \(Self.render(value))")
        default:
            throw .wrongType(path + key, expected: "a number", found: value)
        }
    }

    func optionalInt(_ key: String) throws(EntryError) -> Int? {
        guard has(key) else { return nil }
        return try int(key)
    }

    /// An HOTP counter: a whole number from 0 to 2^64 − 1.
    func counter(_ key: String) throws(EntryError) -> UInt64 {
        guard let value = value(key) else { throw .missing(path + key) }
        switch value {
        case .integer(let number) where number >= 0:
            return UInt64(number)
        case .unsigned(let number):
            return number
        case .integer, .float:
            throw .invalid(path + key, "must be a whole number from 0 to 2^64-1, found \(Self.render(value))")
        default:
            throw .wrongType(path + key, expected: "a number", found: value)
        }
    }

    func optionalCounter(_ key: String) throws(EntryError) -> UInt64? {
        guard has(key) else { return nil }
        return try counter(key)
    }

    func bool(_ key: String) throws(EntryError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else {
            throw .wrongType(path + key, expected: "true or false", found: value)
        }
        return flag
    }

    func object(_ key: String) throws(EntryError) -> JSONFields {
        guard let value = value(key) else { throw .missing(path + key) }
        return try JSONFields(value, path: path + key + ".")
    }

    func optionalObject(_ key: String) throws(EntryError) -> JSONFields? {
        guard has(key) else { return nil }
        return try object(key)
    }

    func array(_ key: String) throws(EntryError) -> [JSONValue] {
        guard let value = value(key) else { throw .missing(path + key) }
        guard case .array(let elements) = value else {
            throw .wrongType(path + key, expected: "an array", found: value)
        }
        return elements
    }

    func optionalArray(_ key: String) throws(EntryError) -> [JSONValue]? {
        guard has(key) else { return nil }
        return try array(key)
    }

    /// An array of strings (tags, group ids); absent or null is empty.
    func strings(_ key: String) throws(EntryError) -> [String] {
        var result: [String] = []
        for element in try optionalArray(key) ?? [] {
            guard case .string(let text) = element else {
                throw .wrongType(path + key + "[]", expected: "a string", found: element)
            }
            result.append(text)
        }
        return result
    }

    private static func render(_ value: JSONValue) -> String {
        switch value {
        case .integer(let n): return String(n)
        case .unsigned(let n): return String(n)
        case .float(let n): return String(n)
        default: return value.typeName
        }
    }
}

extension JSONFields {
    /// Runs file-level reads, turning an ``EntryError`` into a malformed-file error.
    static func fileLevel<T>(_ format: ImportFormat, _ body: () throws(EntryError) -> T) throws(ImportError) -> T {
        do {
            return try body()
        } catch {
            throw .malformed(format, reason: error.reason)
        }
    }
}
