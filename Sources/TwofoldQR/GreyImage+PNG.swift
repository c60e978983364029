import CQRLibraries
import Foundation

extension GreyImage {
    /// PNG's eight signature bytes.
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Decodes a PNG to grey with libpng's simplified API, which reports errors by
    /// return value (the classic API longjmps, which Swift cannot survive). Transparent
    /// pixels are put on white, as a screenshot viewer shows them.
    static func decodePNG(_ data: Data, maxPixels: Int) throws(QRError) -> GreyImage {
        let png = try QRLibraries.png()
        let outcome: Result<GreyImage, QRError> = data.withUnsafeBytes { raw in
            var image = png_image()
            image.version = png_uint_32(PNG_IMAGE_VERSION)
            defer { png.png_image_free(&image) }
            // libpng keeps pointing into `raw` until finish_read: both happen in this closure.
            guard png.png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
                return .failure(.malformedImage(format: "PNG", reason: message(of: image)))
            }
            let width = Int(image.width), height = Int(image.height)
            if let problem = sizeProblem(width: width, height: height, limit: maxPixels) {
                return .failure(problem)
            }
            image.format = png_uint_32(PNG_FORMAT_GRAY)
            var pixels = [UInt8](repeating: 255, count: width * height)
            var white = png_color(red: 255, green: 255, blue: 255)
            let finished = pixels.withUnsafeMutableBytes { out in
                png.png_image_finish_read(&image, &white, out.baseAddress, png_int_32(width), nil)
            }
            guard finished != 0 else {
                return .failure(.malformedImage(format: "PNG", reason: message(of: image)))
            }
            return .success(GreyImage(width: width, height: height, pixels: pixels))
        }
        return try outcome.get()
    }

    /// libpng's message, a NUL-terminated char[64] inside the struct.
    private static func message(of image: png_image) -> String {
        var copy = image.message
        let text = withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return text.isEmpty ? "unknown error" : text
    }
}
