import CQRLibraries
import Foundation

/// Reads the QR codes in a PNG or JPEG image (a screenshot of an "add account" page, a
/// photo of a printed code) with libzbar.
///
/// zbar scans only raw grey pixels, so the image is decoded in-process first (libpng,
/// libjpeg-turbo) under hard limits: the file's size, then its pixel count before any
/// pixel buffer is allocated. A hostile image gives a ``QRError``, never a crash.
public enum QRDecoder {
    /// Largest image file read: 32 MiB. A phone photo is 2–10 MiB.
    public static let maxFileBytes = 32 << 20
    /// Most pixels decoded: 64 Mi (8192×8192), above any phone camera's 50 MP; the grey
    /// buffer is one byte a pixel.
    public static let maxPixels = 64 << 20

    /// The text of every QR code in the image, in zbar's order (at least one).
    ///
    /// A code drawn light on dark (a terminal or a dark-mode screenshot) is found too:
    /// when the image as it is holds none, its negative is scanned.
    public static func decode(_ data: Data) throws(QRError) -> [String] {
        guard data.count <= maxFileBytes else { throw .fileTooLarge(bytes: data.count, limit: maxFileBytes) }
        let image: GreyImage
        if data.starts(with: GreyImage.pngSignature) {
            image = try GreyImage.decodePNG(data, maxPixels: maxPixels)
        } else if data.starts(with: GreyImage.jpegSignature) {
            image = try GreyImage.decodeJPEG(data, maxPixels: maxPixels)
        } else {
            throw .unsupportedImage
        }
        let zbar = try QRLibraries.zbar()
        var texts = scan(image, zbar)
        if texts.isEmpty {
            var negative = image
            for i in negative.pixels.indices { negative.pixels[i] = ~negative.pixels[i] }
            texts = scan(negative, zbar)
        }
        guard !texts.isEmpty else { throw .noCode }
        return texts
    }

    /// Runs zbar's QR reader (every other symbology off) over the pixels.
    static func scan(_ image: GreyImage, _ z: twofold_zbar) -> [String] {
        guard let scanner = z.zbar_image_scanner_create() else { return [] }
        defer { z.zbar_image_scanner_destroy(scanner) }
        z.zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
        z.zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1)
        // Keep the bytes as they are: zbar otherwise guesses a character set and converts.
        z.zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1)
        guard let zimage = z.zbar_image_create() else { return [] }
        defer { z.zbar_image_destroy(zimage) }
        z.zbar_image_set_format(zimage, fourcc("Y800"))
        z.zbar_image_set_size(zimage, UInt32(image.width), UInt32(image.height))
        var texts: [String] = []
        image.pixels.withUnsafeBytes { raw in
            // No cleanup handler: zbar only borrows the pixels while this closure runs.
            z.zbar_image_set_data(zimage, raw.baseAddress, UInt(raw.count), nil)
            defer { z.zbar_image_set_data(zimage, nil, 0, nil) }
            guard z.zbar_scan_image(scanner, zimage) > 0 else { return }
            var symbol = z.zbar_image_first_symbol(zimage)
            while let current = symbol {
                if z.zbar_symbol_get_type(current) == ZBAR_QRCODE, let bytes = z.zbar_symbol_get_data(current) {
                    let length = Int(z.zbar_symbol_get_data_length(current))
                    let buffer = UnsafeRawBufferPointer(start: bytes, count: length)
                    texts.append(String(decoding: buffer, as: UTF8.self))
                }
                symbol = z.zbar_symbol_next(current)
            }
        }
        return texts
    }

    /// zbar's image format code: four ASCII characters, little-endian.
    private static func fourcc(_ code: String) -> UInt {
        code.utf8.reversed().reduce(0) { ($0 << 8) | UInt($1) }
    }
}
