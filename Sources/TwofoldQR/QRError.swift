/// Everything that can stop reading a QR code from an image or drawing one.
///
/// Images come from elsewhere (screenshots, photos, downloads) and may be hostile: every
/// problem with one is a case here with a one-line message, never a crash.
public enum QRError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is larger than ``QRDecoder/maxFileBytes``; nothing was decoded.
    case fileTooLarge(bytes: Int, limit: Int)
    /// The file is neither a PNG nor a JPEG image.
    case unsupportedImage
    /// The image has more pixels than ``QRDecoder/maxPixels``.
    case imageTooLarge(width: Int, height: Int, limit: Int)
    /// The PNG or JPEG could not be decoded; `reason` is the library's word for why.
    case malformedImage(format: String, reason: String)
    /// The image was decoded but holds no QR code that could be read.
    case noCode
    /// The text is too long for a QR code (at most about 2,300 bytes at the error
    /// correction level used).
    case textTooLong(bytes: Int)
    /// libqrencode failed for another reason (out of memory).
    case encodingFailed(reason: String)
    /// A QR code library could not be opened (they are loaded on first use, not linked).
    case libraryMissing(library: String, package: String, reason: String)

    /// One line: what is wrong and what to do.
    public var description: String {
        switch self {
        case .fileTooLarge(let bytes, let limit):
            return "the image is \(bytes) bytes, more than the \(limit)-byte limit: crop it or take a smaller screenshot"
        case .unsupportedImage:
            return "the file is not a PNG or JPEG image: save the QR code as PNG or JPEG"
        case .imageTooLarge(let width, let height, let limit):
            return "the image is \(width)×\(height) pixels, more than \(limit) pixels: crop it to the QR code"
        case .malformedImage(let format, let reason):
            return "the \(format) image cannot be decoded (\(reason)): take the screenshot or photo again"
        case .noCode:
            return "no QR code was found in the image: crop it to the code, make it sharper or larger, and try again"
        case .textTooLong(let bytes):
            return "\(bytes) bytes do not fit in one QR code: export to a file instead"
        case .encodingFailed(let reason):
            return "the QR code could not be made (\(reason))"
        case .libraryMissing(let library, let package, let reason):
            return "QR codes need \(library), which cannot be loaded (\(reason)): install it with 'sudo apt install \(package)'"
        }
    }
}
