/// The config file: a TOML subset of `key = value` lines (Protocol: README, "Running a relay").
///
///     # comments and blank lines are ignored
///     listen = "0.0.0.0:8787"
///     registration = "invite"
///     records-per-account = 10000
///
/// Values are double-quoted strings (escapes `\"` and `\\`) or bare integers, decimals and
/// words. Unknown keys, duplicate keys and anything else are refused with the line number,
/// so a typo never silently leaves a default in place.
enum ConfigFile {
    /// Parses `text`; `known` are the keys accepted.
    static func parse(_ text: String, known: Set<String>) throws -> [String: String] {
        var settings: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw ConfigurationError("config line \(lineNumber): expected key = value")
            }
            let key = String(line[..<eq].trimmingSpaces())
            guard known.contains(key) else { throw ConfigurationError("config line \(lineNumber): unknown key '\(key.prefix(40))'") }
            guard settings[key] == nil else { throw ConfigurationError("config line \(lineNumber): '\(key)' is set twice") }
            settings[key] = try value(line[line.index(after: eq)...].trimmingSpaces(), line: lineNumber)
        }
        return settings
    }

    private static func value(_ text: Substring, line: Int) throws -> String {
        if text.hasPrefix("\"") {
            var out = ""
            var escaped = false
            var closed: String.Index?
            for i in text.indices.dropFirst() {
                let c = text[i]
                if escaped {
                    guard c == "\"" || c == "\\" else { throw ConfigurationError("config line \(line): unknown escape \\\(c)") }
                    out.append(c)
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c == "\"" {
                    closed = i
                    break
                } else {
                    out.append(c)
                }
            }
            guard let closed else { throw ConfigurationError("config line \(line): unterminated string") }
            let rest = text[text.index(after: closed)...].trimmingSpaces()
            guard rest.isEmpty || rest.hasPrefix("#") else { throw ConfigurationError("config line \(line): unexpected text after the value") }
            return out
        }
        var bare = text
        if let hash = bare.firstIndex(of: "#") { bare = bare[..<hash].trimmingSpaces() }
        guard !bare.isEmpty, bare.allSatisfy({ $0.isLetter || $0.isNumber || "._-:".contains($0) }) else {
            throw ConfigurationError("config line \(line): a value is a \"quoted string\" or a bare number or word")
        }
        return String(bare)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return s
    }
}
