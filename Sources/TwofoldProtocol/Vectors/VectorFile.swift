/// One test-vector file (Protocol/vectors/README.md, "File format"): `key: value` header
/// lines, one blank line, then the data.
///
/// ```
/// expect: success
/// comment: a token record sealed under epoch 1
/// vault-key: 0f1e…
///
/// 01a3b2…
/// ```
///
/// The generator (`twofold-vectors`) builds these and writes ``formatted``; the vector
/// tests parse them back. The canonical text is the only accepted one, so a file that
/// parses also formats to the same bytes.
public struct VectorFile: Hashable, Sendable {
    /// One header line.
    public struct Field: Hashable, Sendable {
        /// Lowercase ASCII letters, digits and `-`.
        public var key: String
        /// Everything after `": "`; no line breaks, no leading or trailing spaces.
        public var value: String

        /// Creates a field.
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    /// Path relative to `Protocol/vectors/`, without extension: `records/open-success`.
    public var path: String
    /// Header lines, in order. Keys may repeat (e.g. `record:`); `expect` appears once.
    public var fields: [Field]
    /// The data after the blank line: hex (``hex(_:)``) or text, per family.
    public var data: String

    /// Creates a file; `fields` are written in the order given.
    public init(path: String, fields: [Field], data: String) {
        self.path = path
        self.fields = fields
        self.data = data
    }

    /// The first value of `key`.
    public subscript(key: String) -> String? { fields.first { $0.key == key }?.value }

    /// Every value of `key`, in order.
    public func values(_ key: String) -> [String] { fields.filter { $0.key == key }.map(\.value) }

    /// The `expect:` value.
    public var expect: String { self["expect"] ?? "" }

    /// The family: the first path component (`records`).
    public var family: String { String(path.split(separator: "/").first ?? "") }

    /// The data decoded from hex, ignoring line breaks.
    public func dataBytes() throws(ProtocolError) -> [UInt8] {
        let digits = String(data.filter { !$0.isNewline })
        guard let bytes = Hex.decode(digits) else {
            throw .malformed(what: "vector \(path)", reason: "data is not hex")
        }
        return bytes
    }

    /// Bytes as lowercase hex, 64 digits per line, each line ending in `\n`.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array(Hex.encode(bytes))
        return stride(from: 0, to: digits.count, by: 64)
            .map { String(digits[$0..<min($0 + 64, digits.count)]) + "\n" }
            .joined()
    }

    /// The file's text.
    public var formatted: String {
        fields.map { $0.value.isEmpty ? "\($0.key):\n" : "\($0.key): \($0.value)\n" }.joined() + "\n" + data
    }

    /// Parses a file's text. Refuses CR, a header line that is not `key: value`, a
    /// missing blank line, a missing or repeated `expect:`, and data that does not end
    /// in a newline.
    public init(path: String, parsing text: String) throws(ProtocolError) {
        func fail(_ reason: String) -> ProtocolError { .malformed(what: "vector \(path)", reason: reason) }
        guard !text.contains("\r") else { throw fail("carriage return") }
        guard let blank = text.range(of: "\n\n") else { throw fail("no blank line after the header") }
        let header = text[..<blank.lowerBound]
        let data = String(text[blank.upperBound...])
        guard data.isEmpty || data.hasSuffix("\n") else { throw fail("data does not end in a newline") }
        var fields: [Field] = []
        for line in header.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let colon = line.firstIndex(of: ":") else { throw fail("header line without ':'") }
            let key = String(line[..<colon])
            var value = line[line.index(after: colon)...]
            if !value.isEmpty {
                guard value.first == " " else { throw fail("no space after '\(key):'") }
                value = value.dropFirst()
                guard !value.isEmpty, value.first != " ", value.last != " " else { throw fail("stray spaces in '\(key)'") }
            }
            guard !key.isEmpty, key.unicodeScalars.allSatisfy({ Self.keyCharacters.contains($0) }) else {
                throw fail("bad key '\(key)'")
            }
            fields.append(Field(key, String(value)))
        }
        guard fields.filter({ $0.key == "expect" }).count == 1 else { throw fail("needs exactly one 'expect:'") }
        self.init(path: path, fields: fields, data: data)
    }

    private static let keyCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789-".unicodeScalars)
}
