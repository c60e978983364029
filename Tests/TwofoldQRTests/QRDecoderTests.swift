import Foundation
import Testing

@testable import TwofoldQR

@Suite("QR codes read from images")
struct QRDecoderTests {
    static let uri = "otpauth://totp/ACME:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME"

    @Test func readsAPNG() throws {
        #expect(try QRDecoder.decode(TestImages.png(TestImages.qrCode(Self.uri))) == [Self.uri])
    }

    @Test func readsAJPEG() throws {
        #expect(try QRDecoder.decode(TestImages.jpeg(TestImages.qrCode(Self.uri, scale: 6), quality: 75)) == [Self.uri])
    }

    @Test func readsACodeDrawnLightOnDark() throws {
        #expect(try QRDecoder.decode(TestImages.png(TestImages.qrCode(Self.uri, inverted: true))) == [Self.uri])
    }

    @Test func readsALongMigrationURI() throws {
        let migration = "otpauth-migration://offline?data=" + String(repeating: "CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU%2BZ", count: 12)
        #expect(try QRDecoder.decode(TestImages.png(TestImages.qrCode(migration, scale: 3))) == [migration])
    }

    @Test func anImageWithoutACodeSaysSo() {
        let blank = GreyImage(width: 64, height: 64, pixels: [UInt8](repeating: 200, count: 64 * 64))
        #expect(throws: QRError.noCode) { try QRDecoder.decode(TestImages.png(blank)) }
        #expect(throws: QRError.noCode) { try QRDecoder.decode(TestImages.jpeg(blank)) }
    }

    @Test func refusesHostileImagesWithAnError() throws {
        let png = TestImages.png(try TestImages.qrCode(Self.uri))
        let jpeg = TestImages.jpeg(try TestImages.qrCode(Self.uri))
        #expect(throws: QRError.unsupportedImage) { try QRDecoder.decode(Data()) }
        #expect(throws: QRError.unsupportedImage) { try QRDecoder.decode(Data("GIF89a".utf8)) }
        #expect(throws: QRError.fileTooLarge(bytes: QRDecoder.maxFileBytes + 1, limit: QRDecoder.maxFileBytes)) {
            try QRDecoder.decode(Data(count: QRDecoder.maxFileBytes + 1))
        }
        // Dimensions far beyond the pixel limit are refused before any pixel buffer exists.
        #expect(throws: QRError.imageTooLarge(width: 100_000, height: 100_000, limit: QRDecoder.maxPixels)) {
            try QRDecoder.decode(TestImages.pngClaiming(width: 100_000, height: 100_000))
        }
        #expect(throws: QRError.imageTooLarge(width: 65_000, height: 65_000, limit: QRDecoder.maxPixels)) {
            try QRDecoder.decode(TestImages.jpegClaiming(width: 65_000, height: 65_000))
        }
        for cut in [8, 30, png.count / 2, png.count - 13] {
            #expect(throws: QRError.self, "PNG cut at \(cut)") { try QRDecoder.decode(png.prefix(cut)) }
        }
        for cut in [3, 20, 200] {
            #expect(throws: QRError.self, "JPEG cut at \(cut)") { try QRDecoder.decode(jpeg.prefix(cut)) }
        }
        // Flipped bytes anywhere: an error or (rarely) still the code, never a crash.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var bytes = [UInt8](Bool.random() ? png : jpeg)
            for _ in 0..<4 { bytes[Int.random(in: 3..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            _ = try? QRDecoder.decode(Data(bytes))
        }
    }
}
