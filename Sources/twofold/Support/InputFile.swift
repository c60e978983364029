import Foundation

/// Reads a file that came from elsewhere (an import, a QR screenshot) under a size limit,
/// checked before anything is read: a 10 GB file or an endless stream is refused, not
/// loaded into memory.
enum InputFile {
    /// The bytes of `path`, or of standard input for `-`.
    ///
    /// - Parameters:
    ///   - limit: most bytes accepted. A regular file's size is checked with `fstat`
    ///     first; a stream (standard input, a pipe, a device) is read up to one byte past
    ///     the limit.
    ///   - tooLarge: the error for an oversized input, given its size when known.
    static func read(_ path: String, limit: Int, tooLarge: (_ bytes: Int?) -> any Error) throws -> Data {
        let fd = path == "-" ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CLIError("cannot read \(path): \(String(cString: strerror(errno))); check the path")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw CLIError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        if st.st_mode & S_IFMT == S_IFDIR {
            throw CLIError("\(path) is a directory: give the export file inside it")
        }
        let regular = st.st_mode & S_IFMT == S_IFREG
        if regular && Int(st.st_size) > limit { throw tooLarge(Int(st.st_size)) }

        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
            // A file that grows while being read, or a stream, stops at the limit.
            if data.count > limit { throw tooLarge(nil) }
        }
        return data
    }
}
