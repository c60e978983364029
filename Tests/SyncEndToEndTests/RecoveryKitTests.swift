import Foundation
import Testing
import TwofoldQR

/// The printable recovery kit (issue 17), rendered by a real headless Chromium: it prints
/// on one page, and the QR code on the page scans back to the 24 words.
@Suite("Recovery kit (real Chromium)", .serialized,
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "chromium is not installed (scripts/install-deps)"))
struct RecoveryKitTests {
    /// Runs headless Chromium on `file` with `arguments`.
    static func chromium(_ arguments: [String], _ file: String, home: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                             "--user-data-dir=\(home.path)"] + arguments + ["file://" + file]
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "chromium \(arguments) exited \(process.terminationStatus)")
    }

    @Test func initWritesAKitThatPrintsOnOnePageAndWhoseQRCodeScansToTheWords() throws {
        let lab = try Lab()
        let a = lab.device("a")
        let wordsFile = lab.root.appendingPathComponent("words.txt").path
        let kit = lab.root.appendingPathComponent("kit.html").path
        let created = try a.run(["init", "--no-passphrase", "--relay", lab.relay.url, "--recovery-key-file", wordsFile, "--recovery-kit", kit])
        #expect(created.status == 0, "\(created.stderr)")
        let words = try String(contentsOfFile: wordsFile, encoding: .utf8).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let account = try a.json(["status", "--json"])["account_id"] as? String ?? ""
        let mode = try FileManager.default.attributesOfItem(atPath: kit)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let html = try String(contentsOfFile: kit, encoding: .utf8)
        #expect(html.contains(account) && html.contains(lab.relay.url))
        for word in words.split(separator: " ") { #expect(html.contains(String(word))) }

        let browser = lab.root.appendingPathComponent("chromium")
        try FileManager.default.createDirectory(at: browser, withIntermediateDirectories: true)
        let pdf = lab.root.appendingPathComponent("kit.pdf").path
        try Self.chromium(["--print-to-pdf=\(pdf)", "--no-pdf-header-footer"], kit, home: browser)
        let pdfText = String(decoding: try Data(contentsOf: URL(fileURLWithPath: pdf)), as: UTF8.self)
        let pages = pdfText.components(separatedBy: "/Type /Page").count - 1 - (pdfText.components(separatedBy: "/Type /Pages").count - 1)
        #expect(pages == 1, "the kit prints on \(pages) pages")

        let png = lab.root.appendingPathComponent("kit.png").path
        try Self.chromium(["--screenshot=\(png)", "--window-size=1240,1754"], kit, home: browser)
        let decoded = try QRDecoder.decode(try Data(contentsOf: URL(fileURLWithPath: png)))
        #expect(decoded == [words], "the QR code on the page scans to the words")

        // Later, from the words: checked against the account first.
        let again = lab.root.appendingPathComponent("again.html").path
        let made = try a.run(["recovery-key", "kit", "--output", again, "--recovery-key-stdin"], input: words + "\n")
        #expect(made.status == 0, "\(made.stderr)")
        let wrong = try a.run(["recovery-key", "kit", "--output", lab.root.appendingPathComponent("wrong.html").path, "--recovery-key-stdin"],
                              input: String(words.split(separator: " ").reversed().joined(separator: " ")) + "\n")
        #expect(wrong.status == 1 && !FileManager.default.fileExists(atPath: lab.root.appendingPathComponent("wrong.html").path))
    }
}
