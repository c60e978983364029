import Foundation
import TwofoldVault

/// The last measured offset of this computer's clock from its relay's, kept in
/// `<home>/clock.json` (mode 0600) so that `status`, `code` and `codes` can warn without
/// touching the network (Protocol/sync.md, "Clock offset"). Written after every sync
/// round that heard the relay (CLI or daemon), by `doctor`, and by `code --time-source
/// relay` when it measured; last writer wins.
///
/// With the reading comes the state of this computer's clocks at the time
/// (``SystemClock``), so that a later step of the wall clock — NTP fixing it, a person
/// setting it — is taken off the stored offset instead of producing a stale warning.
public struct ClockReading: Sendable, Equatable {
    /// The relay it was measured against (canonical origin).
    public var relay: String
    /// Relay minus local, ms, when measured.
    public var offsetMs: Int64
    /// ± ms.
    public var uncertaintyMs: Int64
    /// `health` (from `/v1/health`'s `time_ms`) or `date` (from `Date` headers of sync traffic).
    public var source: String
    /// This computer's clocks when it was measured.
    public var clock: SystemClock

    /// The file's name in the home.
    public static let fileName = "clock.json"

    /// A reading of `estimate`, taken at `clock`.
    public init(relay: String, estimate: ClockEstimate, source: String, clock: SystemClock) {
        self.relay = relay
        offsetMs = estimate.offsetMs
        uncertaintyMs = estimate.uncertaintyMs
        self.source = source
        self.clock = clock
    }

    /// The reading as it applies at `now`.
    public struct Current: Sendable, Equatable {
        /// Relay minus local now, ms: the stored offset less any step of the wall clock since.
        public var offsetMs: Int64
        /// ± ms.
        public var uncertaintyMs: Int64
        /// How long ago it was measured, ms.
        public var ageMs: Int64
        /// How far the wall clock was stepped since (0 when unknown).
        public var stepMs: Int64
    }

    /// The offset now: a wall-clock step since the measurement is subtracted (a clock set
    /// forward by 90 s is 90 s less behind).
    public func current(at now: SystemClock) -> Current {
        let step = now.step(since: clock) ?? 0
        // Steps under 50 ms are the boot and wall clocks' own rounding and slew.
        let applied = abs(step) < 50 ? 0 : step
        return Current(offsetMs: offsetMs - applied, uncertaintyMs: uncertaintyMs,
                       ageMs: now.elapsed(since: clock), stepMs: applied)
    }

    /// `<home>/clock.json`.
    public static func path(home: VaultHome) -> String { home.path + "/" + fileName }

    /// The stored reading, or nil when there is none or it cannot be read (it is a cache:
    /// the next measurement rewrites it).
    public static func load(home: VaultHome) -> ClockReading? {
        guard let data = SmallFile.contents(path(home: home)),
              let file = try? JSONDecoder().decode(File.self, from: data), file.version == 1
        else { return nil }
        return ClockReading(
            relay: file.relay, offsetMs: file.offset_ms, uncertaintyMs: file.uncertainty_ms, source: file.source,
            clock: SystemClock(wallMs: file.measured_ms, bootMs: file.boot_ms, bootID: file.boot_id))
    }

    /// Writes the reading: a temporary file (mode 0600), then rename, so readers see the
    /// old reading or the new one.
    public func save(home: VaultHome) throws {
        let file = File(version: 1, relay: relay, offset_ms: offsetMs, uncertainty_ms: uncertaintyMs, source: source,
                        measured_ms: clock.wallMs, boot_id: clock.bootID, boot_ms: clock.bootMs)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(file)
        data.append(0x0A)
        let target = Self.path(home: home)
        let temporary = home.path + "/.\(Self.fileName).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw ClockFileError(path: target, errno: errno) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == data.count, rename(temporary, target) == 0 else {
            let code = errno
            unlink(temporary)
            throw ClockFileError(path: target, errno: code)
        }
    }

    private init(relay: String, offsetMs: Int64, uncertaintyMs: Int64, source: String, clock: SystemClock) {
        self.relay = relay
        self.offsetMs = offsetMs
        self.uncertaintyMs = uncertaintyMs
        self.source = source
        self.clock = clock
    }

    /// The file's members (Protocol/sync.md, "Clock offset").
    private struct File: Codable {
        var version: Int
        var relay: String
        var offset_ms: Int64
        var uncertainty_ms: Int64
        var source: String
        var measured_ms: Int64
        var boot_id: String?
        var boot_ms: Int64?
    }
}
