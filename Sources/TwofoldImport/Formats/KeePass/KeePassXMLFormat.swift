import Foundation

/// KeePass 2 XML, as `keepassxc-cli export --format xml` and KeePass's "KeePass XML (2.x)"
/// export write it: the database's XML with every value in plain text.
///
/// Parsed with ``XMLReader`` (no DTD, no entities beyond the predefined five), then read
/// by ``KeePassEntries``.
enum KeePassXMLFormat {
    static func read(_ data: Data) throws(ImportError) -> ImportResult {
        let root = try parse(Array(TextInput.droppingBOM(data)), format: .keepassXML)
        return try KeePassEntries.read(root, format: .keepassXML)
    }

    static func parse(_ bytes: [UInt8], format: ImportFormat) throws(ImportError) -> XMLElement {
        do {
            return try XMLReader.parse(bytes)
        } catch {
            throw .malformed(format, reason: "the XML is not readable: \(error.reason)")
        }
    }
}
