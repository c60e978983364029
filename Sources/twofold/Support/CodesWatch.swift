import Foundation
import TwofoldVault

/// `codes --watch`: the table redrawn in place once a second (cursor up over the last
/// frame, clear to the end of the screen), until Ctrl-C ends the process; the cursor is
/// hidden meanwhile and shown again on SIGINT/SIGTERM.
enum CodesWatch {
    static func run(entries: [TokenEntry], offset: Int64) -> Never {
        for signal in [SIGINT, SIGTERM] {
            Foundation.signal(signal) { _ in
                let show = "\u{1B}[?25h\n"
                _ = show.withCString { Foundation.write(STDOUT_FILENO, $0, strlen($0)) }
                _exit(0)
            }
        }
        var previous = 0
        write("\u{1B}[?25l")
        while true {
            let now = Date().timeIntervalSince1970
            let time = Int64(now) + offset
            var frame = previous > 0 ? "\u{1B}[\(previous)A\u{1B}[J" : ""
            let lines = TextTable.lines(CodesCommand.rows(entries, time: time, showNext: true)) + ["Ctrl-C to stop."]
            frame += lines.joined(separator: "\n") + "\n"
            write(frame)
            previous = lines.count
            // Wake just after the next whole second, when codes and counts change.
            usleep(useconds_t((1 - now.truncatingRemainder(dividingBy: 1)) * 1_000_000) + 20_000)
        }
    }

    private static func write(_ text: String) {
        _ = text.withCString { Foundation.write(STDOUT_FILENO, $0, strlen($0)) }
    }
}
