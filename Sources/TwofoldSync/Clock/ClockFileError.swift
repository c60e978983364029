import Foundation

/// `clock.json` could not be written.
public struct ClockFileError: Error, CustomStringConvertible {
    /// The file.
    public var path: String
    /// `errno`.
    public var errno: Int32

    public var description: String { "cannot write \(path): \(String(cString: strerror(errno)))" }
}
