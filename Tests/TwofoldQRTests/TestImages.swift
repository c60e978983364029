import CPNG
import CTurboJPEG
import Foundation

@testable import TwofoldQR

/// Images made in the test: QR codes drawn from ``QRRenderer/modules(_:)`` and encoded
/// with libpng and libjpeg-turbo, so the decoder is checked against real files.
enum TestImages {
    /// `text`'s QR code as grey pixels, `scale` pixels a module, with a 4-module quiet zone.
    static func qrCode(_ text: String, scale: Int = 4, inverted: Bool = false) throws -> GreyImage {
        let grid = try QRRenderer.modules(text)
        let side = (grid.count + 8) * scale
        var pixels = [UInt8](repeating: inverted ? 0 : 255, count: side * side)
        for (y, row) in grid.enumerated() {
            for (x, dark) in row.enumerated() where dark {
                for dy in 0..<scale {
                    for dx in 0..<scale {
                        pixels[((y + 4) * scale + dy) * side + (x + 4) * scale + dx] = inverted ? 255 : 0
                    }
                }
            }
        }
        return GreyImage(width: side, height: side, pixels: pixels)
    }

    static func png(_ image: GreyImage) -> Data {
        var info = png_image()
        info.version = png_uint_32(PNG_IMAGE_VERSION)
        info.width = png_uint_32(image.width)
        info.height = png_uint_32(image.height)
        info.format = png_uint_32(PNG_FORMAT_GRAY)
        var size = 0
        image.pixels.withUnsafeBytes { _ = png_image_write_to_memory(&info, nil, &size, 0, $0.baseAddress, 0, nil) }
        var out = [UInt8](repeating: 0, count: size)
        image.pixels.withUnsafeBytes { pixels in
            out.withUnsafeMutableBytes { _ = png_image_write_to_memory(&info, $0.baseAddress, &size, 0, pixels.baseAddress, 0, nil) }
        }
        return Data(out[0..<size])
    }

    static func jpeg(_ image: GreyImage, quality: Int32 = 90) -> Data {
        let handle = tjInitCompress()!
        defer { tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer {
            tjCompress2(handle, $0.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(TJPF_GRAY.rawValue),
                        &buffer, &size, Int32(TJSAMP_GRAY.rawValue), quality, 0)
        }
        precondition(status == 0, "tjCompress2 failed")
        defer { tjFree(buffer) }
        return Data(bytes: buffer!, count: Int(size))
    }

    /// A PNG whose IHDR claims `width`×`height`, with a correct CRC so that only the
    /// size is wrong.
    static func pngClaiming(width: UInt32, height: UInt32) -> Data {
        var bytes = [UInt8](png(GreyImage(width: 8, height: 8, pixels: [UInt8](repeating: 255, count: 64))))
        // Signature (8), length (4), "IHDR" (4), then width and height, big-endian.
        for (offset, value) in [(16, width), (20, height)] {
            for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(i))) }
        }
        let crc = crc32(bytes[12..<29])
        for i in 0..<4 { bytes[29 + i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(i))) }
        return Data(bytes)
    }

    /// A JPEG whose start-of-frame claims `width`×`height`.
    static func jpegClaiming(width: UInt16, height: UInt16) -> Data {
        var bytes = [UInt8](jpeg(GreyImage(width: 8, height: 8, pixels: [UInt8](repeating: 255, count: 64))))
        // SOF0 marker FF C0, length (2), precision (1), height (2), width (2).
        let sof = (0..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }!
        bytes[sof + 5] = UInt8(height >> 8); bytes[sof + 6] = UInt8(height & 0xFF)
        bytes[sof + 7] = UInt8(width >> 8); bytes[sof + 8] = UInt8(width & 0xFF)
        return Data(bytes)
    }

    /// CRC-32 (ISO 3309) as PNG chunks use it.
    static func crc32<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
