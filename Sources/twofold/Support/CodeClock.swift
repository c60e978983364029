import Foundation
import TwofoldSync
import TwofoldVault

/// The time `code` and `codes` compute TOTP codes for (README, "My codes are rejected"):
/// `--at`, else this computer's clock (warning on stderr when the last measured offset is
/// over 5 s), else — with `--time-source relay` or the `time-source` setting — this clock
/// plus the relay's offset, measured now (about 2 s at most) or, when the relay cannot be
/// reached, the last one kept in `<home>/clock.json` if it is less than a day old.
///
/// The system clock path does no network I/O and reads one small file.
enum CodeClock {
    /// Longest time `--time-source relay` waits for the relay.
    static let relayTimeout: Duration = .seconds(2)

    /// Fails before the vault is opened for flags that cannot go together.
    static func check(at: Int64?, source: TimeSource?) throws {
        if at != nil && source != nil {
            throw CLIError.usage("--at and --time-source cannot be used together: --at already names the time")
        }
    }

    /// The Unix time, in seconds, for codes.
    static func unixTime(at: Int64?, source explicit: TimeSource?, home: VaultHome, relay trust: RelayTrust) throws -> Int64 {
        if let at { return at }
        switch try explicit ?? HomeConfig.load(home: home)[.timeSource].flatMap(TimeSource.init(rawValue:)) ?? .system {
        case .system:
            warnIfOff(home: home)
            return floorSeconds(SystemClock.wallNowMs())
        case .relay:
            return floorSeconds(try relayNowMs(home: home, relay: trust))
        }
    }

    /// One warning line when the last measured offset (corrected for clock steps since) is over 5 s.
    static func warnIfOff(home: VaultHome) {
        guard let reading = ClockReading.load(home: home) else { return }
        let current = reading.current(at: .now())
        if ClockDrift.isOff(offsetMs: current.offsetMs, uncertaintyMs: current.uncertaintyMs) {
            Warnings.emit(ClockDrift.warning(offsetMs: current.offsetMs, ageMs: current.ageMs))
        }
    }

    /// The relay's time now, Unix ms.
    static func relayNowMs(home: VaultHome, relay trust: RelayTrust) throws -> Int64 {
        guard let state = try SyncStore.open(home: home).state() else {
            throw CLIError("--time-source relay needs a relay, but this vault is local: attach one with 'twofold relay set URL', or use --time-source system")
        }
        let relay = state.relayURL
        var configuration = RelayClientConfiguration(endpoint: try trust.endpoint(relay), caFile: trust.caFile)
        configuration.connectTimeout = relayTimeout
        configuration.requestTimeout = relayTimeout
        let client = try RelayClient(configuration)
        let measured: Result<ClockProbe.Measurement, SyncError> = try AsyncBridge.run {
            defer { Task { await client.shutdown() } }
            do { return .success(try await ClockProbe.measure(client: client, samples: 3, deadline: relayTimeout)) } catch {
                return .failure(SyncError.from(error))
            }
        }
        switch measured {
        case .success(let measurement):
            let estimate = measurement.estimate
            try? ClockReading(relay: client.relay, estimate: estimate, source: "health", clock: measurement.clock).save(home: home)
            if ClockDrift.isOff(offsetMs: estimate.offsetMs, uncertaintyMs: estimate.uncertaintyMs) {
                Warnings.note("codes use the relay's time: this computer's clock is \(ClockDrift.describe(offsetMs: estimate.offsetMs)) "
                    + "(measured just now); fix it with NTP ('sudo timedatectl set-ntp true')")
            }
            return SystemClock.wallNowMs() + estimate.offsetMs
        case .failure(let error):
            let reason = String(error.description.prefix(160))
            guard let reading = ClockReading.load(home: home), reading.relay == relay else {
                throw CLIError("no clock offset is known for \(relay), and it cannot be reached now (\(reason)): "
                    + "measure one with 'twofold doctor' when online, or use --time-source system")
            }
            let current = reading.current(at: .now())
            guard current.ageMs <= ClockDrift.recentLimitMs else {
                throw CLIError("the relay cannot be reached (\(reason)) and the last clock offset was measured "
                    + "\(ClockDrift.describe(ageMs: current.ageMs)), too long ago to trust: measure again with 'twofold doctor' when online, or use --time-source system")
            }
            let sign = current.offsetMs >= 0 ? "+" : "-"
            Warnings.note("the relay cannot be reached, so codes use the clock offset measured \(ClockDrift.describe(ageMs: current.ageMs)) "
                + "(\(sign)\(ClockDrift.duration(abs(current.offsetMs))))")
            return SystemClock.wallNowMs() + current.offsetMs
        }
    }

    /// Unix ms to whole seconds, rounding down also before 1970.
    static func floorSeconds(_ ms: Int64) -> Int64 { ms >= 0 ? ms / 1000 : (ms - 999) / 1000 }
}
