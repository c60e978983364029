import Testing
import TwofoldOTP
import TwofoldProtocol

/// `token-merge/` (Protocol/sync.md, "Concurrent edits").
enum TokenMergeVectorChecks {
    @Sendable static func check(_ file: VectorFile) throws -> String {
        var sides: [String: String] = [:]
        for line in file.dataLines {
            let p = line.split(separator: " ").map(String.init)
            guard p.count == 2 else { throw VectorFileError(description: "\(file.path): bad line '\(line)'") }
            sides[p[0]] = p[1]
        }
        func token(_ name: String) throws -> OTPToken? {
            guard let text = sides[name] else { throw VectorFileError(description: "\(file.path): no \(name)") }
            if text == "-" { return nil }
            guard let bytes = Hex.decode(text) else { throw VectorFileError(description: "\(file.path): bad hex for \(name)") }
            return try TokenPayload.decode(bytes)
        }
        let base: OTPToken?? = sides["base"] == "?" ? nil : .some(try token("base"))
        let mineWins = try file.string("mine-wins") == "1"
        let outcome = TokenMerge.merge(base: base, mine: try token("mine"), theirs: try token("theirs"), mineWins: mineWins)
        let conflicts = outcome.conflicts.isEmpty ? "none" : outcome.conflicts.map(\.rawValue).joined(separator: ",")
        let expectedConflicts = try file.string("conflicts")
        let expectedMerged = try token("merged")
        #expect(conflicts == expectedConflicts, "\(file.path): conflicts")
        #expect(outcome.merged == expectedMerged, "\(file.path): merged")
        return conflicts == expectedConflicts && outcome.merged == expectedMerged ? "success" : "wrong merge"
    }
}
