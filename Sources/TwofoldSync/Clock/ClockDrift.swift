/// When a clock offset is worth a warning, and the words for it (README, "My codes are
/// rejected"). TOTP codes change every 30 s and services accept about one step either
/// way, so a clock a few seconds off already makes codes fail near the end of a period.
public enum ClockDrift {
    /// Above this (|offset|, ms) `status`, `code`, `codes` and `sync` warn and `doctor` fails.
    public static let warningThresholdMs: Int64 = 5_000
    /// Above this (|offset|, ms) and up to the warning threshold, `doctor` warns.
    public static let noticeThresholdMs: Int64 = 2_000
    /// How old a persisted offset may be for `--time-source relay` to use it when the
    /// relay cannot be reached: a clock without NTP drifts up to a few seconds a day.
    public static let recentLimitMs: Int64 = 24 * 3_600_000

    /// How `doctor` grades an offset.
    public enum Level: String, Sendable, Equatable {
        case ok, warn, fail
    }

    /// True when codes computed with this computer's clock are at risk: |offset| above
    /// 5 s. An offset no larger than its own uncertainty says nothing and never warns.
    public static func isOff(offsetMs: Int64, uncertaintyMs: Int64 = 0) -> Bool {
        abs(offsetMs) > warningThresholdMs && abs(offsetMs) > uncertaintyMs
    }

    /// `doctor`'s grade: fail above 5 s, warn above 2 s (or when the measurement was too
    /// coarse to tell), else ok.
    public static func level(offsetMs: Int64, uncertaintyMs: Int64) -> Level {
        if isOff(offsetMs: offsetMs, uncertaintyMs: uncertaintyMs) { return .fail }
        if abs(offsetMs) > noticeThresholdMs || uncertaintyMs > warningThresholdMs { return .warn }
        return .ok
    }

    /// "90.0 s behind the relay's" / "1.2 s ahead of the relay's" / "12 ms behind the relay's".
    public static func describe(offsetMs: Int64) -> String {
        "\(duration(abs(offsetMs))) \(offsetMs >= 0 ? "behind" : "ahead of") the relay's"
    }

    /// "12 ms" below a second, else "1.2 s" / "3600 s".
    public static func duration(_ ms: Int64) -> String {
        abs(ms) < 1000 ? "\(ms) ms" : "\(seconds(ms)) s"
    }

    /// Milliseconds as seconds for people: one decimal below 100 s ("90.0"), whole above ("3600").
    public static func seconds(_ ms: Int64) -> String {
        let value = Double(ms) / 1000
        return abs(value) >= 100 ? String(Int64(value.rounded())) : format1(value)
    }

    /// "now", "12 s ago", "3 min ago", "5 h ago", "2 days ago".
    public static func describe(ageMs: Int64) -> String {
        let s = max(ageMs, 0) / 1000
        if s < 2 { return "just now" }
        if s < 120 { return "\(s) s ago" }
        if s < 7_200 { return "\(s / 60) min ago" }
        if s < 172_800 { return "\(s / 3_600) h ago" }
        return "\(s / 86_400) days ago"
    }

    /// The one-line warning for a clock that is off (without the `twofold: warning: ` prefix).
    public static func warning(offsetMs: Int64, ageMs: Int64?) -> String {
        let when = ageMs.map { " (measured \(describe(ageMs: $0)))" } ?? ""
        return "this computer's clock is \(describe(offsetMs: offsetMs))\(when), so codes may be refused: "
            + "enable NTP ('sudo timedatectl set-ntp true') or use '--time-source relay'"
    }

    /// `1.23` → `"1.2"`, without Foundation's formatting.
    static func format1(_ value: Double) -> String {
        let tenths = Int64((value * 10).rounded())
        return "\(tenths < 0 ? "-" : "")\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }
}
