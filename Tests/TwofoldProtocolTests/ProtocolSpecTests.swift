import Foundation
import Testing

/// Every requirement in README.md, crypto.md and sync.md names a test that exists, or
/// the later issue that brings it (the tables at the end of each file). The same rules as
/// ``SpecRequirementTests`` (relay-api.md, devices.md, threat-model.md), for this file
/// set's tags; a test cell may add a parenthesis saying which vectors or part it covers.
@Suite struct ProtocolSpecTests {
    static let specs: [String: String] = ["README.md": "FMT", "crypto.md": "CRY", "sync.md": "SYN"]
    static let tableHeading = "## Requirements and their tests"

    struct Spec {
        var body: [String]
        var table: [(tag: String, test: String)]
    }

    static func load(_ name: String) throws -> Spec {
        let prefix = specs[name]!
        let text = try String(contentsOf: SpecRequirementTests.root.appendingPathComponent("Protocol/\(name)"), encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        guard let split = lines.firstIndex(of: tableHeading) else {
            Issue.record("\(name): no '\(tableHeading)' section")
            return Spec(body: lines, table: [])
        }
        var table: [(String, String)] = []
        for line in lines[(split + 1)...] where line.hasPrefix("| \(prefix)-") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count == 3 { table.append((cells[0], cells[2])) } else { Issue.record("\(name): bad row \(line)") }
        }
        return Spec(body: Array(lines[..<split]), table: table)
    }

    static func tags(in block: String, prefix: String) -> [String] {
        block.matches(of: /\[([A-Z]+-[0-9]+)\]/).map { String($0.output.1) }.filter { $0.hasPrefix(prefix + "-") }
    }

    @Test(arguments: ["README.md", "crypto.md", "sync.md"])
    func everyMustIsTaggedAndEveryTagIsInTheTable(_ name: String) throws {
        let spec = try Self.load(name)
        let prefix = Self.specs[name]!
        var bodyTags: [String] = []
        for block in SpecRequirementTests.blocks(spec.body) where !block.contains("key words MUST") {
            let tags = Self.tags(in: block, prefix: prefix)
            if block.contains(/\bMUST\b/) {
                #expect(!tags.isEmpty, "\(name): a requirement without a tag: \(block.prefix(160))")
            }
            bodyTags += tags
        }
        let tableTags = spec.table.map(\.tag)
        #expect(Set(tableTags).count == tableTags.count, "\(name): a tag listed twice")
        #expect(Set(bodyTags) == Set(tableTags), "\(name): tags in text and table differ: \(Set(bodyTags).symmetricDifference(tableTags).sorted())")
    }

    @Test(arguments: ["README.md", "crypto.md", "sync.md"])
    func everyNamedTestExists(_ name: String) throws {
        let spec = try Self.load(name)
        #expect(!spec.table.isEmpty)
        for (tag, cell) in spec.table {
            for part in cell.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if let match = part.wholeMatch(of: /`([A-Za-z]+Tests)\/([A-Za-z0-9]+)\/([A-Za-z0-9_]+)`( \(.+\))?/) {
                    let (target, suite, test) = (String(match.1), String(match.2), String(match.3))
                    #expect(SpecRequirementTests.testExists(target: target, suite: suite, test: test), "\(name) \(tag): no test \(part)")
                } else {
                    #expect(part.wholeMatch(of: /^(.*\s)?pending \(issue: (relay|daemon|devices)\)$/) != nil, "\(name) \(tag): '\(part)' names no test")
                }
            }
        }
    }
}
