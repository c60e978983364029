import Foundation

/// The `Date` header value (RFC 9110 IMF-fixdate), formatted once per second [API-4].
final class DateHeader: @unchecked Sendable {
    private let lock = NSLock()
    private var second: Int64 = -1
    private var text = ""
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The header for the Unix time `nowMs`.
    func value(nowMs: Int64) -> String {
        let s = nowMs / 1000
        lock.lock()
        defer { lock.unlock() }
        if s != second {
            second = s
            text = Self.format(seconds: s)
        }
        return text
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for Unix seconds `s`.
    static func format(seconds s: Int64) -> String {
        var t = time_t(s)
        var tm = tm()
        gmtime_r(&t, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[Int(tm.tm_wday)]), \(two(tm.tm_mday)) \(months[Int(tm.tm_mon)]) \(tm.tm_year + 1900) "
            + "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) GMT"
    }
}
