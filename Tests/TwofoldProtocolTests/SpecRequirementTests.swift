import Foundation
import Testing

/// Every requirement in relay-api.md, devices.md and threat-model.md names a test that
/// exists, or says which later issue brings it (the tables at the end of each file).
@Suite struct SpecRequirementTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let files = ["relay-api.md", "devices.md", "threat-model.md"]
    static let tableHeading = "## Requirements and their tests"
    static var tagPattern: Regex<(Substring, Substring)> { /\[(API|DEV|THR)-[0-9]+\]/ }
    static var pendingPattern: Regex<(Substring, Substring?, Substring)> {
        /^(.*\s)?pending \(issue: (relay|daemon|devices)\)$/
    }

    struct Spec: CustomTestStringConvertible, Sendable {
        var name: String
        var body: [String]
        var table: [(tag: String, test: String)]
        var testDescription: String { name }
    }

    static func load(_ name: String) throws -> Spec {
        let text = try String(contentsOf: root.appendingPathComponent("Protocol/\(name)"), encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        guard let split = lines.firstIndex(of: tableHeading) else {
            Issue.record("\(name): no '\(tableHeading)' section")
            return Spec(name: name, body: lines, table: [])
        }
        var table: [(String, String)] = []
        for line in lines[(split + 1)...] where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 3, cells[0].wholeMatch(of: /(API|DEV|THR)-[0-9]+/) != nil else { continue }
            table.append((cells[0], cells[2]))
        }
        return Spec(name: name, body: Array(lines[..<split]), table: table)
    }

    /// Paragraphs and list items: a requirement and its tag sit in the same one.
    static func blocks(_ lines: [String]) -> [String] {
        var blocks: [String] = []
        var current: [String] = []
        for line in lines {
            let startsItem = line.wholeMatch(of: /\s*(- |[0-9]+\. ).*/) != nil
            if line.trimmingCharacters(in: .whitespaces).isEmpty || startsItem {
                if !current.isEmpty { blocks.append(current.joined(separator: " ")) }
                current = []
            }
            if !line.trimmingCharacters(in: .whitespaces).isEmpty { current.append(line) }
        }
        if !current.isEmpty { blocks.append(current.joined(separator: " ")) }
        return blocks
    }

    @Test(arguments: files)
    func everyMustIsTaggedAndEveryTagIsInTheTable(_ name: String) throws {
        let spec = try Self.load(name)
        var bodyTags: [String] = []
        for block in Self.blocks(spec.body) where !block.contains("key words MUST") {
            let tags = block.matches(of: Self.tagPattern).map { String($0.output.0.dropFirst().dropLast()) }
            if block.contains(/\bMUST\b/) {
                #expect(!tags.isEmpty, "\(name): a requirement without a tag: \(block.prefix(120))")
            }
            bodyTags += tags
        }
        let tableTags = spec.table.map(\.tag)
        #expect(Set(tableTags).count == tableTags.count, "\(name): a tag listed twice")
        #expect(Set(bodyTags) == Set(tableTags), "\(name): tags in text and table differ: \(Set(bodyTags).symmetricDifference(tableTags).sorted())")
    }

    @Test(arguments: files)
    func everyNamedTestExists(_ name: String) throws {
        let spec = try Self.load(name)
        #expect(!spec.table.isEmpty)
        for (tag, cell) in spec.table {
            for part in cell.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if let match = part.wholeMatch(of: /`([A-Za-z]+Tests)\/([A-Za-z]+)\/([A-Za-z0-9_]+)`/) {
                    let (target, suite, test) = (String(match.1), String(match.2), String(match.3))
                    #expect(Self.testExists(target: target, suite: suite, test: test), "\(name) \(tag): no test \(part)")
                } else if let match = part.wholeMatch(of: /`(scripts\/[a-z-]+)`(.*)/) {
                    let path = Self.root.appendingPathComponent(String(match.1)).path
                    #expect(FileManager.default.isExecutableFile(atPath: path), "\(name) \(tag): no script \(match.1)")
                } else {
                    #expect(part.wholeMatch(of: Self.pendingPattern) != nil, "\(name) \(tag): '\(part)' names no test")
                }
            }
        }
    }

    /// A `@Test func <test>(` inside `struct <suite>` in `Tests/<target>/`.
    static func testExists(target: String, suite: String, test: String) -> Bool {
        let directory = root.appendingPathComponent("Tests/\(target)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".swift") }.contains { file in
            guard let text = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else {
                return false
            }
            return text.contains("struct \(suite)") && text.contains("func \(test)(")
        }
    }
}
