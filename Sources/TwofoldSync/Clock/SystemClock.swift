import Foundation

/// A reading of this computer's clocks: the wall clock (`CLOCK_REALTIME`, which people
/// and NTP set) and, on Linux, the boot clock (`CLOCK_BOOTTIME`, which only runs) with the
/// boot id. Two readings of the same boot tell how far the wall clock was stepped in
/// between: the wall clock moved by more (or less) than the time that really passed.
public struct SystemClock: Sendable, Equatable {
    /// Wall clock, Unix ms.
    public var wallMs: Int64
    /// `CLOCK_BOOTTIME`, ms since boot; nil where unavailable.
    public var bootMs: Int64?
    /// `/proc/sys/kernel/random/boot_id`; nil where unavailable.
    public var bootID: String?

    /// A reading.
    public init(wallMs: Int64, bootMs: Int64? = nil, bootID: String? = nil) {
        self.wallMs = wallMs
        self.bootMs = bootMs
        self.bootID = bootID
    }

    /// The clocks now.
    public static func now() -> SystemClock {
        SystemClock(wallMs: wallNowMs(), bootMs: bootNowMs(), bootID: currentBootID)
    }

    /// The wall clock now, Unix ms.
    public static func wallNowMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    static func bootNowMs() -> Int64? {
        #if os(Linux)
        var ts = timespec()
        guard clock_gettime(CLOCK_BOOTTIME, &ts) == 0 else { return nil }
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
        #else
        return nil
        #endif
    }

    /// Read once per process.
    static let currentBootID: String? = {
        let fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }()

    /// How far the wall clock was stepped between `earlier` and this reading (positive:
    /// set forward), or nil when that cannot be told (another boot, no boot clock).
    public func step(since earlier: SystemClock) -> Int64? {
        guard let bootMs, let earlierBoot = earlier.bootMs, let bootID, bootID == earlier.bootID else { return nil }
        return (wallMs - earlier.wallMs) - (bootMs - earlierBoot)
    }

    /// Time really elapsed since `earlier`, ms: by the boot clock when both readings are of
    /// this boot, else by the wall clock.
    public func elapsed(since earlier: SystemClock) -> Int64 {
        if let bootMs, let earlierBoot = earlier.bootMs, let bootID, bootID == earlier.bootID { return bootMs - earlierBoot }
        return wallMs - earlier.wallMs
    }
}
