import Foundation
import Testing

/// One scenario from `Protocol/vectors/` (format: `Protocol/vectors/README.md`).
struct VectorFile: Sendable, CustomTestStringConvertible {
    /// File name inside its directory, e.g. `rfc4226-hotp-sha1`.
    let name: String
    /// Header `key: value` pairs.
    let header: [String: String]
    /// Data lines after the blank line, without trailing empty lines.
    let data: [String]

    var testDescription: String { name }

    /// The vector directories' parent, found from this file's path so tests run from
    /// any working directory: Tests/TwofoldOTPTests/VectorFile.swift → package root.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Protocol/vectors")

    /// The files of one vector directory, sorted; empty if it cannot be listed (a
    /// separate test checks the directories are there and not empty).
    static func names(in directory: String) -> [String] {
        let url = root.appendingPathComponent(directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
    }

    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads and checks the shape of one file.
    static func load(_ directory: String, _ name: String) throws -> VectorFile {
        let url = root.appendingPathComponent(directory).appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let blank = lines.firstIndex(of: "") else {
            throw FormatError(description: "\(name): no blank line after the header")
        }
        var header: [String: String] = [:]
        for line in lines[..<blank] {
            guard let colon = line.firstIndex(of: ":") else {
                throw FormatError(description: "\(name): header line without ':': \(line)")
            }
            let key = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard header.updateValue(value, forKey: key) == nil else {
                throw FormatError(description: "\(name): header key \(key) given twice")
            }
        }
        guard let expect = header["expect"], ["success", "parse failure"].contains(expect) else {
            throw FormatError(description: "\(name): missing or unknown expect: \(header["expect"] ?? "")")
        }
        guard header["comment"]?.isEmpty == false else {
            throw FormatError(description: "\(name): missing comment")
        }
        return VectorFile(name: name, header: header, data: Array(lines[(blank + 1)...]))
    }

    /// A header value that must be present.
    func required(_ key: String) throws -> String {
        guard let value = header[key] else { throw FormatError(description: "\(name): missing \(key)") }
        return value
    }

    /// The secret from `secret-hex` or `secret-base32`.
    func secret() throws -> [UInt8] {
        if let hex = header["secret-hex"] {
            return try Hex.decode(hex)
        }
        return try Base32Reference.decode(required("secret-base32"))
    }
}

/// Lower-case hex for vector files and `oathtool` arguments.
enum Hex {
    static func encode(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    static func decode(_ text: String) throws -> [UInt8] {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { throw VectorFile.FormatError(description: "odd hex length") }
        return try stride(from: 0, to: chars.count, by: 2).map { index in
            guard let byte = UInt8(String(decoding: chars[index..<index + 2], as: UTF8.self), radix: 16) else {
                throw VectorFile.FormatError(description: "bad hex: \(text)")
            }
            return byte
        }
    }
}

/// A deliberately naive Base32 decoder (bit string by bit string), independent of
/// `Base32`, so vector secrets do not depend on the code under test.
enum Base32Reference {
    static func decode(_ text: String) throws -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = ""
        for character in text.uppercased() where character != "=" {
            guard let value = alphabet.firstIndex(of: character) else {
                throw VectorFile.FormatError(description: "bad Base32 in vector: \(text)")
            }
            bits += String(value, radix: 2).leftPadded(to: 5)
        }
        let usable = bits.count / 8 * 8
        return stride(from: 0, to: usable, by: 8).map { start in
            let slice = bits.dropFirst(start).prefix(8)
            return UInt8(slice, radix: 2)!
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
