import Testing
import TwofoldProtocol

@Suite struct VectorFileTests {
    @Test func formatAndParseRoundTrip() throws {
        let file = VectorFile(path: "records/x", fields: [.init("expect", "success"), .init("comment", "a: b"),
                                                          .init("record", "1"), .init("record", "2"), .init("empty", "")],
                              data: VectorFile.hex([UInt8](repeating: 0xab, count: 40)))
        #expect(file.formatted == "expect: success\ncomment: a: b\nrecord: 1\nrecord: 2\nempty:\n\n"
                + String(repeating: "ab", count: 32) + "\n" + String(repeating: "ab", count: 8) + "\n")
        let parsed = try VectorFile(path: "records/x", parsing: file.formatted)
        #expect(parsed == file)
        #expect(parsed.values("record") == ["1", "2"] && parsed["comment"] == "a: b" && parsed.family == "records")
        #expect(try parsed.dataBytes() == [UInt8](repeating: 0xab, count: 40))
    }

    @Test func nonCanonicalFilesAreRefused() {
        let bad = [
            "expect: success\r\n\nab\n",          // CR
            "expect: success\nab\n",               // no blank line
            "comment: x\n\nab\n",                  // no expect
            "expect: a\nexpect: b\n\n",            // two expects
            "Expect: success\n\n",                 // key case
            "expect:success\n\n",                  // no space
            "expect: success \n\n",                // trailing space
            "expect: success\n\nab",               // data without final newline
        ]
        for text in bad {
            #expect(throws: ProtocolError.self, "\(text.debugDescription)") { try VectorFile(path: "x/y", parsing: text) }
        }
    }

    @Test func emptyDataIsAllowed() throws {
        let file = try VectorFile(path: "x/y", parsing: "expect: success\n\n")
        #expect(file.data.isEmpty && file.expect == "success")
    }
}
