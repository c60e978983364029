import Foundation

/// Small files of the home (`clock.json`, `config`), read with plain system calls.
public enum SmallFile {
    /// A file of at most 64 KiB, read with plain system calls (`code` calls this on every
    /// run, and a missing file must cost one failed `open`); nil when absent or larger.
    public static func contents(_ path: String) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 65_537)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            count += n
        }
        return count < bytes.count ? Data(bytes[0..<count]) : nil
    }
}
