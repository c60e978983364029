import CQRLibraries
import Foundation

extension GreyImage {
    /// JPEG's start-of-image marker and the first byte of the next marker.
    static let jpegSignature: [UInt8] = [0xFF, 0xD8, 0xFF]

    /// Decodes a JPEG to grey with the TurboJPEG API, which reports errors by return
    /// value (libjpeg's own API longjmps out of its error handler).
    ///
    /// `TJFLAG_LIMITSCANS` refuses progressive files with hundreds of scans, a known way
    /// to make a tiny JPEG cost minutes of CPU. Warnings (a truncated file, say) still
    /// give an image: what was decoded may hold the code.
    static func decodeJPEG(_ data: Data, maxPixels: Int) throws(QRError) -> GreyImage {
        let tj = try QRLibraries.turboJPEG()
        guard let handle = tj.tjInitDecompress() else {
            throw .malformedImage(format: "JPEG", reason: "the decoder could not start")
        }
        defer { tj.tjDestroy(handle) }
        let outcome: Result<GreyImage, QRError> = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let base = bytes.baseAddress else { return .failure(.unsupportedImage) }
            var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
            guard tj.tjDecompressHeader3(handle, base, UInt(bytes.count), &width, &height, &subsampling, &colorspace) == 0 else {
                return .failure(.malformedImage(format: "JPEG", reason: errorText(handle, tj)))
            }
            if let problem = sizeProblem(width: Int(width), height: Int(height), limit: maxPixels) {
                return .failure(problem)
            }
            var pixels = [UInt8](repeating: 255, count: Int(width) * Int(height))
            let status = pixels.withUnsafeMutableBufferPointer { out in
                tj.tjDecompress2(
                    handle, base, UInt(bytes.count), out.baseAddress, width, 0, height,
                    Int32(TJPF_GRAY.rawValue), TJFLAG_LIMITSCANS)
            }
            if status != 0 && tj.tjGetErrorCode(handle) != Int32(TJERR_WARNING.rawValue) {
                return .failure(.malformedImage(format: "JPEG", reason: errorText(handle, tj)))
            }
            return .success(GreyImage(width: Int(width), height: Int(height), pixels: pixels))
        }
        return try outcome.get()
    }

    private static func errorText(_ handle: tjhandle, _ tj: twofold_turbojpeg) -> String {
        guard let text = tj.tjGetErrorStr2(handle) else { return "unknown error" }
        return String(cString: text)
    }
}
