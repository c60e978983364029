import Foundation

/// A parsed JSON value with its exact type kept (a `true` is never the number 1).
///
/// Import formats are read into this tree rather than into `Decodable` structs, so that
/// one entry with a field of the wrong type fails alone (as an ``ImportFailure``) instead
/// of failing the whole file, and so that every type error names the field.
indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number that is an integer fitting `Int64`.
    case integer(Int64)
    /// An integer above `Int64.max` that fits `UInt64` (HOTP counters may need it).
    case unsigned(UInt64)
    /// Any other number (fractional, or too large for 64 bits).
    case float(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The JSON type's name, for "expected a string, found a number" messages.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .unsigned, .float: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The object's fields, or nil when this is not an object.
    var objectValue: [String: JSONValue]? {
        if case .object(let fields) = self { return fields }
        return nil
    }

    /// The array's elements, or nil when this is not an array.
    var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The string, or nil when this is not a string.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}

extension JSONValue {
    /// Converts what `JSONSerialization` returns, keeping the JSON types apart.
    ///
    /// Foundation gives every JSON number and boolean as `NSNumber`; booleans are the
    /// ones whose `objCType` is "c" (C `char`, the type of `BOOL`), which JSON numbers
    /// never are. Unsigned values beyond `Int64.max` come as "Q"; numbers beyond 64 bits
    /// as `NSDecimalNumber`, kept as (inexact) doubles so range checks refuse them.
    init?(foundation value: Any) {
        switch value {
        case is NSNull:
            self = .null
        case let text as String:
            self = .string(text)
        case let number as NSNumber:
            let type = String(cString: number.objCType)
            if type == "c" {
                self = .bool(number.boolValue)
            } else if number is NSDecimalNumber || type == "d" || type == "f" {
                self = .float(number.doubleValue)
            } else if type == "Q" || type == "L" {
                let unsigned = number.uint64Value
                self = unsigned <= UInt64(Int64.max) ? .integer(Int64(unsigned)) : .unsigned(unsigned)
            } else {
                self = .integer(number.int64Value)
            }
        case let elements as [Any]:
            var converted: [JSONValue] = []
            converted.reserveCapacity(elements.count)
            for element in elements {
                guard let value = JSONValue(foundation: element) else { return nil }
                converted.append(value)
            }
            self = .array(converted)
        case let fields as [String: Any]:
            var converted: [String: JSONValue] = [:]
            converted.reserveCapacity(fields.count)
            for (key, element) in fields {
                guard let value = JSONValue(foundation: element) else { return nil }
                converted[key] = value
            }
            self = .object(converted)
        default:
            return nil
        }
    }
}
