import Testing
@testable import TwofoldRelay

/// Inputs found by the relay's fuzz targets (scripts/fuzz, Sources/twofold-fuzz-relay) that a
/// request decoder got wrong, each kept with the fix it led to.
@Suite struct RelayFuzzRegressionTests {
    /// `relay-json`'s round-trip property: `11e308` parsed to infinity, which the relay's JSON
    /// writer turns into `null`, so the value read was not the value written. Numbers past
    /// Double's range are now refused with "number out of range".
    @Test func numberPastDoubleRangeIsRefused() throws {
        let found = #"[null,true,false,0,-1,9007199254074991,11e308,"\u00eClose3e-3,e00\n"]"#
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(found.utf8)) }
        for text in ["1e309", "-1e309", "11e308", "1" + String(repeating: "0", count: 400), "1e99999999999999999999"] {
            do {
                _ = try JSONParser.parse(Array(text.utf8))
                Issue.record("\(text) parsed")
            } catch {
                #expect(error.reason == "number out of range", "\(text)")
                #expect(error.offset == 0)
            }
        }
        // Still accepted: the largest finite values and underflow to zero.
        #expect(try JSONParser.parse(Array("1.7976931348623157e308".utf8)) == .double(1.7976931348623157e308))
        #expect(try JSONParser.parse(Array("1e-400".utf8)) == .double(0))
        let value = try JSONParser.parse(Array("[1e308,-2.5e-300]".utf8))
        #expect(try JSONParser.parse(value.bytes) == value)
    }
}
