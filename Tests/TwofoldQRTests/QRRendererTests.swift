import Testing

@testable import TwofoldQR

@Suite("QR codes drawn for a terminal")
struct QRRendererTests {
    @Test func drawsHalfBlocksInsideAQuietZone() throws {
        let grid = try QRRenderer.modules("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A")
        #expect(grid.count >= 21 && grid.allSatisfy { $0.count == grid.count })
        let lines = try QRRenderer.render("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A")
        let side = grid.count + 2 * QRRenderer.standardQuietZone
        #expect(lines.count == (side + 1) / 2)
        #expect(lines.allSatisfy { $0.count == side })
        // Light ink by default: the quiet zone is all blocks; the top-left finder's dark
        // corner is blank.
        #expect(lines[0] == String(repeating: "█", count: side))
        let darkInk = try QRRenderer.render("x", quietZone: 0, darkInk: true)
        #expect(darkInk[0].hasPrefix("█"))
        #expect(Set(lines.joined()).isSubset(of: ["█", "▀", "▄", " "]))
    }

    @Test func refusesTextThatCannotBeACode() {
        #expect(throws: QRError.textTooLong(bytes: 5000)) { try QRRenderer.modules(String(repeating: "x", count: 5000)) }
        #expect(throws: QRError.self) { try QRRenderer.modules("a\u{0}b") }
    }
}
