/// An 8-bit greyscale image, row by row without padding: what zbar scans ("Y800").
struct GreyImage: Sendable {
    var width: Int
    var height: Int
    /// `width * height` bytes, 0 black to 255 white.
    var pixels: [UInt8]

    /// What is wrong with the dimensions a decoder reports, checked before it allocates
    /// anything; nil when they are fine.
    static func sizeProblem(width: Int, height: Int, limit: Int) -> QRError? {
        guard width > 0, height > 0 else {
            return .malformedImage(format: "image", reason: "it has no pixels")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= limit else {
            return .imageTooLarge(width: width, height: height, limit: limit)
        }
        return nil
    }
}
