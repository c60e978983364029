import CQRLibraries
import Foundation

/// Draws QR codes for a terminal with libqrencode, so that a phone app can scan an
/// export straight off the screen.
///
/// Each line of text holds two rows of modules as Unicode half blocks (`▀ ▄ █` and a
/// space), so the code comes out about square in a terminal font. The code is framed
/// by a light quiet zone, which scanners need to find it.
public enum QRRenderer {
    /// The quiet zone the QR specification asks for, in modules on each side.
    public static let standardQuietZone = 4

    /// The modules of `text`'s QR code, row by row, `true` for dark. Error correction
    /// level M (15 %), the smallest version that holds the text.
    public static func modules(_ text: String) throws(QRError) -> [[Bool]] {
        guard !text.utf8.contains(0) else { throw .encodingFailed(reason: "the text contains a NUL character") }
        let qrencode = try QRLibraries.qrencode()
        guard let code = qrencode.QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            if errno == ERANGE { throw .textTooLong(bytes: text.utf8.count) }
            throw .encodingFailed(reason: "libqrencode error \(errno)")
        }
        defer { qrencode.QRcode_free(code) }
        let width = Int(code.pointee.width)
        let data = code.pointee.data!
        // Bit 0 of each byte is the module's colour; the other bits are libqrencode's notes.
        return (0..<width).map { y in (0..<width).map { x in data[y * width + x] & 1 == 1 } }
    }

    /// `text` as lines of half blocks.
    ///
    /// - Parameters:
    ///   - quietZone: light modules around the code on each side.
    ///   - darkInk: false (the default) draws the *light* modules as blocks, for a
    ///     terminal that shows light characters on a dark background (or that the caller
    ///     colours so); true draws the dark modules, for dark text on light paper.
    public static func render(_ text: String, quietZone: Int = standardQuietZone, darkInk: Bool = false) throws(QRError) -> [String] {
        let grid = try modules(text)
        let size = grid.count + 2 * quietZone
        func inked(_ x: Int, _ y: Int) -> Bool {
            let cx = x - quietZone, cy = y - quietZone
            let dark = cy >= 0 && cy < grid.count && cx >= 0 && cx < grid.count && grid[cy][cx]
            return dark == darkInk
        }
        var lines: [String] = []
        for y in stride(from: 0, to: size, by: 2) {
            var line = ""
            for x in 0..<size {
                // Past the last row (an odd count) is more quiet zone.
                let top = inked(x, y), bottom = y + 1 < size ? inked(x, y + 1) : !darkInk
                switch (top, bottom) {
                case (true, true): line.append("█")
                case (true, false): line.append("▀")
                case (false, true): line.append("▄")
                case (false, false): line.append(" ")
                }
            }
            lines.append(line)
        }
        return lines
    }
}
