import CQRLibraries

/// The QR code libraries, opened with dlopen the first time one is needed rather than
/// linked, so that commands without QR codes (`twofold code`) do not load them and the 13
/// libraries libzbar brings (`CQRLibraries.h` has the figures). A missing library is a
/// ``QRError/libraryMissing(library:package:reason:)``, one line naming the package.
enum QRLibraries {
    /// libzbar, which reads QR codes.
    static func zbar() throws(QRError) -> twofold_zbar {
        try table("libzbar", package: "libzbar0") { twofold_zbar_load($0) }
    }

    /// libqrencode, which draws them.
    static func qrencode() throws(QRError) -> twofold_qrencode {
        try table("libqrencode", package: "libqrencode4") { twofold_qrencode_load($0) }
    }

    /// libpng's simplified API.
    static func png() throws(QRError) -> twofold_png {
        try table("libpng", package: "libpng16-16") { twofold_png_load($0) }
    }

    /// libjpeg-turbo's TurboJPEG API.
    static func turboJPEG() throws(QRError) -> twofold_turbojpeg {
        try table("libturbojpeg", package: "libturbojpeg0") { twofold_turbojpeg_load($0) }
    }

    private static func table<Table>(
        _ library: String, package: String, _ load: (UnsafeMutablePointer<UnsafePointer<CChar>?>) -> UnsafePointer<Table>?
    ) throws(QRError) -> Table {
        var error: UnsafePointer<CChar>?
        guard let table = load(&error) else {
            throw .libraryMissing(library: library, package: package, reason: error.map { String(cString: $0) } ?? "unknown error")
        }
        return table.pointee
    }
}
