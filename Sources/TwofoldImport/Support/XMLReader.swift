/// A small XML reader restricted to what KeePass and KeePassXC write (KeePass 2 XML).
///
/// Decision (README, "Import and export"): Twofold does not use FoundationXML's
/// `XMLParser` (libxml2) for KeePass files. A file to import is hostile input, and
/// libxml2's entity handling (external entities, nested expansion) is exactly what an
/// attacker aims at. KeePass never writes a document type, so this reader has no DTD
/// support at all: a `<!DOCTYPE` is refused, which rules out external entities (XXE)
/// and entity expansion ("billion laughs") by construction. It knows elements,
/// attributes, text, CDATA, comments, processing instructions, the five predefined
/// entities and numeric character references, nothing else. Depth and element count are
/// bounded; the input is already bounded by ``ImportLimits/maxFileBytes``. Linear time.
struct XMLElement: Sendable {
    var name: String
    var attributes: [String: String] = [:]
    var children: [XMLElement] = []
    /// The element's own text (its character data, concatenated; not its children's).
    var text = ""

    /// The first child named `name`.
    func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// Every child named `name`, in document order.
    func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }
}

struct XMLReadError: Error, Sendable {
    var reason: String
}

enum XMLReader {
    /// Deepest element nesting accepted; KeePass files nest groups, rarely past 20.
    static let maxDepth = 256
    /// Most elements in one document; a KeePass entry has about 30.
    static let maxElements = 4_000_000

    /// Parses a whole document and returns its root element.
    static func parse(_ bytes: [UInt8]) throws(XMLReadError) -> XMLElement {
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        var at = 0
        var elements = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { at = 3 }
        }

        func fail(_ reason: String) -> XMLReadError { XMLReadError(reason: "\(reason) at byte \(at)") }

        func peek(_ text: String) -> Bool {
            let t = Array(text.utf8)
            return at + t.count <= bytes.count && bytes[at..<(at + t.count)].elementsEqual(t)
        }

        mutating func skipWhitespace() {
            while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
        }

        /// Skips past `end`, or fails with `what`.
        mutating func skip(past end: String, what: String) throws(XMLReadError) {
            let e = Array(end.utf8)
            while at + e.count <= bytes.count {
                if bytes[at] == e[0], bytes[at..<(at + e.count)].elementsEqual(e) {
                    at += e.count
                    return
                }
                at += 1
            }
            throw fail("unterminated \(what)")
        }

        /// Comments, processing instructions and whitespace between markup.
        mutating func misc() throws(XMLReadError) {
            while true {
                skipWhitespace()
                if peek("<?") {
                    try skip(past: "?>", what: "processing instruction")
                } else if peek("<!--") {
                    try skip(past: "-->", what: "comment")
                } else if peek("<!") {
                    throw fail("a document type or entity declaration (KeePass files have none; refused so that no entity is ever expanded)")
                } else {
                    return
                }
            }
        }

        mutating func document() throws(XMLReadError) -> XMLElement {
            try misc()
            guard peek("<") else { throw fail("no root element") }
            let root = try element(depth: 0)
            try misc()
            guard at == bytes.count else { throw fail("content after the root element") }
            return root
        }

        static func isNameByte(_ b: UInt8) -> Bool {
            b >= 0x80 || (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == 0x5F || b == 0x2D || b == 0x2E || b == 0x3A
        }

        mutating func name() throws(XMLReadError) -> String {
            let start = at
            while at < bytes.count, Self.isNameByte(bytes[at]) { at += 1 }
            guard at > start else { throw fail("expected a name") }
            return try utf8(bytes[start..<at])
        }

        func utf8(_ slice: ArraySlice<UInt8>) throws(XMLReadError) -> String {
            guard let text = String(validating: slice, as: UTF8.self) else { throw fail("text that is not UTF-8") }
            return text
        }

        /// Reads `<name attrs>…</name>` or `<name attrs/>`; `at` is on `<`.
        mutating func element(depth: Int) throws(XMLReadError) -> XMLElement {
            guard depth < XMLReader.maxDepth else { throw fail("elements nested more than \(XMLReader.maxDepth) deep") }
            elements += 1
            guard elements <= XMLReader.maxElements else { throw fail("more than \(XMLReader.maxElements) elements") }
            at += 1
            var node = XMLElement(name: try name())
            while true {
                skipWhitespace()
                guard at < bytes.count else { throw fail("unterminated start tag <\(node.name)>") }
                if peek("/>") {
                    at += 2
                    return node
                }
                if bytes[at] == UInt8(ascii: ">") {
                    at += 1
                    break
                }
                let key = try name()
                skipWhitespace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: "=") else { throw fail("attribute \(key) without a value") }
                at += 1
                skipWhitespace()
                guard at < bytes.count, bytes[at] == 0x22 || bytes[at] == 0x27 else { throw fail("unquoted attribute \(key)") }
                let quote = bytes[at]
                at += 1
                let start = at
                while at < bytes.count, bytes[at] != quote {
                    if bytes[at] == UInt8(ascii: "<") { throw fail("'<' in attribute \(key)") }
                    at += 1
                }
                guard at < bytes.count else { throw fail("unterminated attribute \(key)") }
                let value = try decodeText(bytes[start..<at])
                at += 1
                guard node.attributes[key] == nil else { throw fail("attribute \(key) given twice") }
                node.attributes[key] = value
            }
            // Content.
            var text: [UInt8] = []
            while true {
                guard at < bytes.count else { throw fail("unterminated element <\(node.name)>") }
                if bytes[at] != UInt8(ascii: "<") {
                    let start = at
                    while at < bytes.count, bytes[at] != UInt8(ascii: "<") { at += 1 }
                    text += Array(try decodeText(bytes[start..<at]).utf8)
                } else if peek("</") {
                    at += 2
                    let closing = try name()
                    guard closing == node.name else { throw fail("</\(closing)> closes <\(node.name)>") }
                    skipWhitespace()
                    guard at < bytes.count, bytes[at] == UInt8(ascii: ">") else { throw fail("unterminated end tag") }
                    at += 1
                    node.text = try utf8(text[...])
                    return node
                } else if peek("<![CDATA[") {
                    at += 9
                    let start = at
                    try skip(past: "]]>", what: "CDATA section")
                    text += bytes[start..<(at - 3)]
                } else if peek("<!--") {
                    try skip(past: "-->", what: "comment")
                } else if peek("<?") {
                    try skip(past: "?>", what: "processing instruction")
                } else if peek("<!") {
                    throw fail("a declaration inside an element")
                } else {
                    node.children.append(try element(depth: depth + 1))
                }
            }
        }

        /// Text with the five predefined entities and character references replaced;
        /// any other entity is refused (there is no DTD to define one).
        func decodeText(_ slice: ArraySlice<UInt8>) throws(XMLReadError) -> String {
            guard slice.contains(UInt8(ascii: "&")) else { return try utf8(slice) }
            var out: [UInt8] = []
            out.reserveCapacity(slice.count)
            var i = slice.startIndex
            while i < slice.endIndex {
                guard slice[i] == UInt8(ascii: "&") else {
                    out.append(slice[i])
                    i += 1
                    continue
                }
                guard let semi = slice[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                    throw fail("an '&' that starts no entity")
                }
                let entity = String(decoding: slice[(i + 1)..<semi], as: UTF8.self)
                switch entity {
                case "lt": out.append(UInt8(ascii: "<"))
                case "gt": out.append(UInt8(ascii: ">"))
                case "amp": out.append(UInt8(ascii: "&"))
                case "quot": out.append(0x22)
                case "apos": out.append(0x27)
                default:
                    var scalar: UInt32?
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                        scalar = UInt32(entity.dropFirst(2), radix: 16)
                    } else if entity.hasPrefix("#") {
                        scalar = UInt32(entity.dropFirst(), radix: 10)
                    } else {
                        throw fail("the undefined entity &\(entity);")
                    }
                    guard let scalar, let unicode = Unicode.Scalar(scalar), scalar != 0 else {
                        throw fail("the character reference &\(entity); names no character")
                    }
                    out += Array(String(Character(unicode)).utf8)
                }
                i = semi + 1
            }
            return try utf8(out[...])
        }
    }
}
