import Foundation

/// Gives back the executable's start-up pages (Protocol/daemon.md, "Memory").
///
/// `twofoldd` is one large static binary (the Swift runtime, Foundation and its ICU data,
/// NIO, SQLite bindings); loading it and starting the services faults in many megabytes of
/// its read-only pages that an idle daemon never touches again. They are clean file pages,
/// shared with the page cache, but they count in the process's resident set. Once the
/// daemon is ready it asks the kernel to reclaim them (`madvise(MADV_PAGEOUT)`, Linux 5.4+;
/// on older kernels nothing happens); pages the idle daemon does use simply fault back in.
/// Nothing anonymous (heap, stacks, keys) is touched.
public enum StartupPages {
    /// `MADV_PAGEOUT` from linux/mman.h (not exported by Glibc's Swift module).
    static let pageOut: Int32 = 21

    /// Reclaims the read-only mappings of the running executable; returns the bytes advised.
    @discardableResult
    public static func release() -> Int {
        guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8),
              let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return 0 }
        var advised = 0
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[5] == exe, !fields[1].contains("w") else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16), end > start,
                  let pointer = UnsafeMutableRawPointer(bitPattern: start) else { continue }
            if madvise(pointer, Int(end - start), pageOut) == 0 { advised += Int(end - start) }
        }
        return advised
    }
}
