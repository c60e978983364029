import CQRLibraries
import Glibc
import Testing
@testable import TwofoldQR

/// The QR libraries are opened on first use (CQRLibraries): each loads, and a library or
/// function that is not there is a one-line error naming what to install.
@Suite("QR libraries")
struct QRLibrariesTests {
    @Test func eachLibraryLoads() throws {
        _ = try QRLibraries.zbar()
        _ = try QRLibraries.qrencode()
        _ = try QRLibraries.png()
        _ = try QRLibraries.turboJPEG()
    }

    /// `twofold_qr_open` with the given names; the message on failure.
    static func open(_ soname: String, _ names: [String]) -> String? {
        var message = [CChar](repeating: 0, count: 256)
        var slots = [UnsafeMutableRawPointer?](repeating: nil, count: names.count)
        let cNames = names.map { strdup($0) }
        defer { cNames.forEach { free($0) } }
        let pointers = cNames.map { UnsafePointer($0!) }
        let status = pointers.withUnsafeBufferPointer { namesBuffer in
            slots.withUnsafeMutableBufferPointer { slotsBuffer in
                twofold_qr_open(soname, namesBuffer.baseAddress!, slotsBuffer.baseAddress!, Int32(names.count), &message, 256)
            }
        }
        if status == 0 {
            #expect(slots.allSatisfy { $0 != nil })
            return nil
        }
        return String(cString: message)
    }

    @Test func aMissingLibraryOrFunctionIsNamed() throws {
        #expect(Self.open("libzbar.so.0", ["zbar_scan_image"]) == nil)
        let missing = try #require(Self.open("libtwofold-no-such-library.so.0", ["f"]))
        #expect(missing.contains("libtwofold-no-such-library.so.0"))
        #expect(Self.open("libzbar.so.0", ["zbar_scan_image", "twofold_no_such_function"]) == "libzbar.so.0 has no twofold_no_such_function")

        let error = QRError.libraryMissing(library: "libzbar", package: "libzbar0", reason: missing)
        #expect(error.description.hasPrefix("QR codes need libzbar, which cannot be loaded ("))
        #expect(error.description.hasSuffix("install it with 'sudo apt install libzbar0'"))
        #expect(!error.description.contains("\n"))
    }
}
