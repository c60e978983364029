extension KeyURI {
    /// The parameters of a Key URI query that Twofold reads, as raw (still
    /// percent-encoded) byte slices of the URI.
    ///
    /// Splitting is one linear pass: a query of thousands of `&` costs no more than
    /// its length. Values are decoded only when used.
    struct Query {
        /// Parameter names Twofold reads (Key URI format, "Parameters"), plus
        /// `encoder`, which some apps write to mark a Steam token.
        static let known: [String] = ["secret", "issuer", "algorithm", "digits", "period", "counter", "encoder"]

        /// Raw value of each known parameter, by name.
        private var values: [String: ArraySlice<UInt8>] = [:]

        /// Splits `query` (the text after `?`) at `&` and each pair at its first `=`.
        ///
        /// - Parameter names are matched case-insensitively after percent-decoding;
        ///   unknown names (apps add their own, such as `image` or `color`) are
        ///   ignored, but their escapes must still be well formed.
        /// - A known parameter given twice with different values is refused: different
        ///   apps would pick different copies (first or last), so one QR code could mean
        ///   two tokens. The same value repeated (after decoding) is accepted.
        /// - Empty pairs (`&&`) are skipped; a pair without `=` has an empty value, except
        ///   that one whose name is the start of a known name (`pe`, `digi`) is refused
        ///   as the remains of a cut-off URI.
        init(_ query: ArraySlice<UInt8>) throws(OTPError) {
            var start = query.startIndex
            while start <= query.endIndex {
                let end = query[start...].firstIndex(of: UInt8(ascii: "&")) ?? query.endIndex
                let pair = query[start..<end]
                start = end + 1
                if pair.isEmpty { continue }

                let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
                let rawName = pair[..<equals]
                let rawValue = equals == pair.endIndex ? pair[pair.endIndex...] : pair[(equals + 1)...]
                let nameBytes = try PercentEncoding.decode(
                    rawName, plusIsSpace: true, part: "a parameter name")
                let name = String(decoding: nameBytes, as: UTF8.self).lowercased()

                // Escapes are checked in every value, read or not, so a broken URI is refused
                // whatever its type (a `counter` is not read for totp, but must be well formed).
                try PercentEncoding.validate(rawValue, part: "parameter '\(KeyURI.excerpt(nameBytes))'")
                if equals == pair.endIndex, !name.isEmpty, Self.known.contains(where: { $0 != name && $0.hasPrefix(name) }) {
                    // `&pe` is what is left of `&period=45` when a line is cut: reading the
                    // URI with the default period would give wrong codes (KeyURI, "cut-off").
                    throw .malformedURI("parameter '\(KeyURI.excerpt(nameBytes))' has no value, so the URI looks cut off")
                }
                guard Self.known.contains(name) else { continue }
                if let earlier = values[name] {
                    // The same value twice is harmless (OTPClient writes `issuer=Steam&issuer=Steam`);
                    // values are compared decoded, so `a+b` and `a%20b` are one value.
                    let first = try PercentEncoding.decode(earlier, plusIsSpace: true, part: "parameter '\(name)'")
                    let again = try PercentEncoding.decode(rawValue, plusIsSpace: true, part: "parameter '\(name)'")
                    guard first == again else {
                        throw .malformedURI("parameter '\(name)' is given twice with different values")
                    }
                    continue
                }
                values[name] = rawValue
            }
        }

        /// True when the parameter is present, even with an empty value.
        func has(_ name: String) -> Bool {
            values[name] != nil
        }

        /// The decoded text of a parameter, or nil when absent. `+` and `%20` are both a
        /// space (form encoding, which is what query strings use in practice).
        func text(_ name: String) throws(OTPError) -> String? {
            guard let raw = values[name] else { return nil }
            return try PercentEncoding.decodeText(raw, plusIsSpace: true, part: "parameter '\(name)'")
        }

        /// A parameter as an unsigned decimal number, or nil when absent.
        ///
        /// Only ASCII digits: no sign, spaces, `0x` or exponent (Swift's `Int(_:)` would
        /// take `+6`). Values beyond `UInt64.max` are refused while scanning, so a
        /// megabyte of digits fails after 20. Range checks are the caller's, because
        /// each parameter has its own error.
        func number(_ name: String) throws(OTPError) -> UInt64? {
            guard let value = try text(name) else { return nil }
            var result: UInt64 = 0
            var valid = !value.utf8.isEmpty
            for byte in value.utf8 {
                let digit = byte &- UInt8(ascii: "0")
                let (times10, overflowed) = result.multipliedReportingOverflow(by: 10)
                let (sum, carried) = times10.addingReportingOverflow(UInt64(digit))
                guard digit <= 9, !overflowed, !carried else {
                    valid = false
                    break
                }
                result = sum
            }
            guard valid else {
                throw .invalidParameter(name: name, value: KeyURI.excerpt(value.utf8))
            }
            return result
        }
    }
}
