/// A JSON value to write, with object keys in the order given.
///
/// Exports are written with this rather than `JSONEncoder` so that explicit nulls
/// (Aegis's `"slots": null`) and a stable, human-readable key order come out exactly
/// as the target app writes them.
indirect enum JSONOutput {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsigned(UInt64)
    case string(String)
    case array([JSONOutput])
    case object([(String, JSONOutput)])

    /// The value as UTF-8 JSON text, indented by four spaces like Aegis's files.
    func rendered() -> String {
        var output = ""
        write(to: &output, indent: 0)
        return output
    }

    private func write(to output: inout String, indent: Int) {
        switch self {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .integer(let number): output += String(number)
        case .unsigned(let number): output += String(number)
        case .string(let text): Self.writeString(text, to: &output)
        case .array(let elements):
            guard !elements.isEmpty else { output += "[]"; return }
            output += "[\n"
            for (offset, element) in elements.enumerated() {
                output += String(repeating: " ", count: indent + 4)
                element.write(to: &output, indent: indent + 4)
                output += offset == elements.count - 1 ? "\n" : ",\n"
            }
            output += String(repeating: " ", count: indent) + "]"
        case .object(let fields):
            guard !fields.isEmpty else { output += "{}"; return }
            output += "{\n"
            for (offset, (key, value)) in fields.enumerated() {
                output += String(repeating: " ", count: indent + 4)
                Self.writeString(key, to: &output)
                output += ": "
                value.write(to: &output, indent: indent + 4)
                output += offset == fields.count - 1 ? "\n" : ",\n"
            }
            output += String(repeating: " ", count: indent) + "}"
        }
    }

    /// RFC 8259 §7: quote, backslash and control characters escaped; the rest as UTF-8.
    private static func writeString(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
