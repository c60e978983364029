import ArgumentParser
import Foundation
import TwofoldRelay

/// `--json`, shared by every admin command: one JSON object on standard output instead of
/// the text for people (README, "Running a relay"). Refusals stay one line on stderr
/// with exit status 1 either way.
struct AdminOutput: ParsableArguments {
    @Flag(help: "Print one JSON object instead of text.") var json = false

    /// Writes `value` as one line of JSON.
    func print(_ value: JSONValue) {
        FileHandle.standardOutput.write(Data(value.bytes + [UInt8(ascii: "\n")]))
    }
}
