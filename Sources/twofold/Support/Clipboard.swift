import Foundation

/// Puts a code on the clipboard with whichever of wl-copy, xclip or xsel exists, and
/// clears it when the code expires (only if it still holds that code).
enum Clipboard {
    private struct Tool {
        let copy: [String]
        let paste: [String]
    }

    private static let tools: [(String, Tool)] = [
        ("wl-copy", Tool(copy: ["wl-copy"], paste: ["wl-paste", "--no-newline"])),
        ("xclip", Tool(copy: ["xclip", "-selection", "clipboard"], paste: ["xclip", "-selection", "clipboard", "-o"])),
        ("xsel", Tool(copy: ["xsel", "--clipboard", "--input"], paste: ["xsel", "--clipboard", "--output"])),
    ]

    static func copy(_ code: String, clearAfter seconds: Int) throws {
        guard let tool = tools.first(where: { which($0.0) != nil })?.1 else {
            throw CLIError("no clipboard tool found: install wl-clipboard, xclip or xsel (the code was printed above)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = tool.copy
        let pipe = Pipe()
        process.standardInput = pipe
        try process.run()
        pipe.fileHandleForWriting.write(Data(code.utf8))
        try pipe.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIError("\(tool.copy[0]) failed to copy the code (the code was printed above)")
        }
        // A detached shell clears the clipboard later; the code travels in its environment
        // (readable only by this user), not on its command line.
        let cleaner = Process()
        cleaner.executableURL = URL(fileURLWithPath: "/bin/sh")
        cleaner.arguments = ["-c", "sleep \(max(1, seconds)); [ \"$(\(tool.paste.joined(separator: " ")) 2>/dev/null)\" = \"$TWOFOLD_CODE\" ] && printf '' | \(tool.copy.joined(separator: " "))"]
        cleaner.environment = ["TWOFOLD_CODE": code, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                               "DISPLAY": ProcessInfo.processInfo.environment["DISPLAY"] ?? "",
                               "WAYLAND_DISPLAY": ProcessInfo.processInfo.environment["WAYLAND_DISPLAY"] ?? ""]
        cleaner.standardOutput = FileHandle.nullDevice
        cleaner.standardError = FileHandle.nullDevice
        try cleaner.run()
    }

    private static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
