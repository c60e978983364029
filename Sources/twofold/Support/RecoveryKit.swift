import Foundation
import TwofoldProtocol
import TwofoldQR
import TwofoldVault

/// The one-page recovery kit (issue 17): HTML that prints on one A4 or Letter page, with
/// the relay's address, the account id, the 24 words in numbered columns, a QR code of
/// the words (inline SVG, so the file needs nothing else), and what to do the day a device
/// is lost. It holds the words, so it is written like them: mode 0600, atomically.
enum RecoveryKit {
    /// The kit's HTML. `created` only dates the page.
    static func html(relay: String, account: AccountID, key: RecoveryKey, created: Date) throws -> String {
        let qr = try svg(QRRenderer.modules(key.phrase))
        let day = ISO8601DateFormatter.string(from: created, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        let words = key.words.enumerated().map { "<li><span class=\"n\">\($0.offset + 1)</span> \(escape($0.element))</li>" }
            .joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Twofold recovery kit</title>
            <style>
            @page { size: auto; margin: 15mm; }
            body { font-family: sans-serif; font-size: 11pt; color: #000; background: #fff; max-width: 180mm; margin: 0 auto; }
            h1 { font-size: 18pt; margin: 0 0 4mm; }
            .warn { border: 1px solid #000; padding: 2mm 3mm; margin: 3mm 0; }
            dl { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 4mm; margin: 3mm 0; }
            dt { font-weight: bold; }
            dd { margin: 0; font-family: monospace; word-break: break-all; }
            ol.words { list-style: none; padding: 0; margin: 3mm 0; columns: 4; column-gap: 6mm; font-family: monospace; font-size: 12pt; }
            ol.words li { padding: 1mm 0; break-inside: avoid; }
            .n { display: inline-block; width: 2.2em; color: #555; text-align: right; margin-right: 0.4em; }
            .qr { float: right; width: 42mm; height: 42mm; margin: 0 0 3mm 4mm; }
            ol.steps li { margin: 1mm 0; }
            code { font-family: monospace; }
            </style>
            </head>
            <body>
            <h1>Twofold recovery kit</h1>
            <p>Made \(day). <strong>Anyone with this page can take every two-factor token of the account.</strong>
            Keep it where you keep your passport; never photograph it or store it on a computer.</p>
            <dl>
            <dt>Relay</dt><dd id="relay">\(escape(relay))</dd>
            <dt>Account</dt><dd id="account">\(account.hex)</dd>
            </dl>
            \(qr)
            <p>The recovery key: 24 words, in this order.</p>
            <ol class="words" id="words">
            \(words)
            </ol>
            <div class="warn">Check it now: <code>twofold recovery-key verify</code> and type the words.</div>
            <h2>The day a device is lost, broken or stolen</h2>
            <ol class="steps">
            <li>On a device that still works: <code>twofold devices revoke ID</code> for the lost one (<code>twofold devices</code> lists them).</li>
            <li>On the new device, install Twofold and run <code>twofold restore --relay \(escape(relay)) --account \(account.hex)</code>, then type the 24 words.</li>
            <li>If the words may have been seen, run <code>twofold recovery-key rotate</code> and make a new kit: this one then opens nothing new.</li>
            <li>If the relay is gone too, restore from a backup file instead: <code>twofold restore --from-backup FILE</code> with the same words.</li>
            </ol>
            </body>
            </html>

            """
    }

    /// Writes the kit to `path` (mode 0600, atomically).
    static func write(to path: String, relay: String, account: AccountID, key: RecoveryKey) throws {
        try SecureFile.write(Data(try html(relay: relay, account: account, key: key, created: Date()).utf8), to: path)
    }

    /// The QR code as an inline SVG: one path of dark squares, a 4-module quiet zone.
    static func svg(_ modules: [[Bool]]) -> String {
        let quiet = QRRenderer.standardQuietZone
        let size = modules.count + 2 * quiet
        var path = ""
        for (y, row) in modules.enumerated() {
            for (x, dark) in row.enumerated() where dark { path += "M\(x + quiet) \(y + quiet)h1v1h-1z" }
        }
        return "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(size) \(size)\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"\(size)\" height=\"\(size)\" fill=\"#fff\"/><path fill=\"#000\" d=\"\(path)\"/></svg>"
    }

    /// HTML text escaping.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
