import Foundation

/// Parses untrusted JSON with the limits of ``ImportLimits``.
///
/// Foundation's `JSONSerialization` parses recursively, and its own depth limit (512)
/// is far deeper than any export needs, so nesting is checked first with a cheap byte
/// scan and refused above ``ImportLimits/maxJSONDepth``. Input must be UTF-8
/// (RFC 8259 §8.1); a leading byte-order mark is skipped. `JSONSerialization` is used
/// rather than `JSONDecoder` into a generic value: it is several times faster, which
/// matters for a 64 MiB file.
enum JSONReader {
    /// Parses `data` as one JSON value, or throws a file-level error for `format`.
    static func parse(_ data: Data, as format: ImportFormat) throws(ImportError) -> JSONValue {
        let body = TextInput.droppingBOM(data)
        guard String(data: body, encoding: .utf8) != nil else {
            throw .malformed(format, reason: "not UTF-8 text")
        }
        try checkDepth(body)
        guard let value = value(body) else {
            throw .malformed(format, reason: "not valid JSON")
        }
        return value
    }

    /// Parses JSON whose depth was already checked, or nil when it is not valid JSON.
    static func value(_ data: Data) -> JSONValue? {
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return nil
        }
        return JSONValue(foundation: object)
    }

    /// Throws ``ImportError/nestingTooDeep(limit:)`` when arrays and objects nest deeper
    /// than the limit. Brackets inside strings do not count.
    static func checkDepth(_ data: Data, limit: Int = ImportLimits.maxJSONDepth) throws(ImportError) {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { throw .nestingTooDeep(limit: limit) }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
    }
}
