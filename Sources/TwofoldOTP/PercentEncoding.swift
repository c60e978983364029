/// Percent-encoding (RFC 3986 §2.1) for Key URI labels and parameters.
///
/// Works on UTF-8 bytes, never on `Character`s, so cost is linear in the input and
/// grapheme breaking of hostile text never runs.
enum PercentEncoding {
    /// Decodes `%XX` escapes. With `plusIsSpace`, `+` becomes a space, as in
    /// `application/x-www-form-urlencoded` query strings (WHATWG URL §5.1); elsewhere
    /// (RFC 3986 paths) `+` is an ordinary character.
    ///
    /// Throws ``OTPError/malformedURI(_:)`` for a `%` not followed by two hex digits,
    /// naming `part` ("the label", "parameter 'issuer'") so the person knows where.
    static func decode(
        _ input: ArraySlice<UInt8>, plusIsSpace: Bool, part: @autoclosure () -> String
    ) throws(OTPError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = input.startIndex
        while index < input.endIndex {
            let byte = input[index]
            if byte == UInt8(ascii: "%") {
                guard input.endIndex - index >= 3,
                    let high = hexValue(input[index + 1]),
                    let low = hexValue(input[index + 2])
                else {
                    throw .malformedURI("bad percent-encoding in \(part()): '%' must be followed by two hex digits")
                }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return output
    }

    /// Checks escapes without building the decoded bytes (for parameters we ignore but
    /// still require to be well formed, so a broken URI is never half-accepted).
    static func validate(_ input: ArraySlice<UInt8>, part: @autoclosure () -> String) throws(OTPError) {
        var index = input.startIndex
        while let percent = input[index...].firstIndex(of: UInt8(ascii: "%")) {
            guard input.endIndex - percent >= 3,
                hexValue(input[percent + 1]) != nil,
                hexValue(input[percent + 2]) != nil
            else {
                throw .malformedURI("bad percent-encoding in \(part()): '%' must be followed by two hex digits")
            }
            index = percent + 3
        }
    }

    /// Decodes and requires the result to be UTF-8 text (RFC 3986 §2.5: non-ASCII
    /// characters are percent-encoded UTF-8).
    static func decodeText(
        _ input: ArraySlice<UInt8>, plusIsSpace: Bool, part: @autoclosure () -> String
    ) throws(OTPError) -> String {
        let bytes = try decode(input, plusIsSpace: plusIsSpace, part: part())
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformedURI("\(part()) is not valid UTF-8 after percent-decoding")
        }
        return text
    }

    /// Percent-encodes every byte except RFC 3986 unreserved characters (§2.3) and
    /// `@`, which is legal in both paths and queries (§3.3, §3.4) and keeps e-mail
    /// account names readable. Space becomes `%20`, never `+`, because `+` is literal in
    /// the label. Hex digits are upper case (§2.1 "SHOULD").
    static func encode(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || byte == UInt8(ascii: "@") {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(upperHex[Int(byte >> 4)])
                output.append(upperHex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// ALPHA / DIGIT / "-" / "." / "_" / "~" (RFC 3986 §2.3).
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// The value of one hex digit, either case.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
