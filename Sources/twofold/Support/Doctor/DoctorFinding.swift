import Foundation

/// One line of `twofold doctor`: how a check went, what was found, and what to do.
struct DoctorFinding: Equatable {
    /// `ok`, `warn` (works, but something should change) or `fail` (something does not work).
    enum Status: String {
        case ok, warn, fail
    }

    /// `clock`, `ntp`, `relay`, `tls`, `daemon`, `permissions`, `recovery`, `vault`.
    var check: String
    var status: Status
    /// What was found, one line.
    var message: String
    /// What to do, one line; nil when nothing.
    var fix: String?

    static func ok(_ check: String, _ message: String, fix: String? = nil) -> DoctorFinding {
        DoctorFinding(check: check, status: .ok, message: message, fix: fix)
    }

    static func warn(_ check: String, _ message: String, fix: String?) -> DoctorFinding {
        DoctorFinding(check: check, status: .warn, message: message, fix: fix)
    }

    static func fail(_ check: String, _ message: String, fix: String?) -> DoctorFinding {
        DoctorFinding(check: check, status: .fail, message: message, fix: fix)
    }

    /// `fail  clock        this computer's clock is … — enable NTP …`: one line whatever the texts hold.
    var line: String {
        let status = self.status.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)
        let check = self.check.padding(toLength: 12, withPad: " ", startingAt: 0)
        var text = "\(status) \(check)\(message)"
        if let fix { text += " — \(fix)" }
        return text.replacingOccurrences(of: "\n", with: " ")
    }

    /// `{"check","status","message","fix"}` (`fix` null when there is nothing to do).
    var json: [String: Any] {
        ["check": check, "status": status.rawValue, "message": message, "fix": fix.map { $0 as Any } ?? NSNull()]
    }
}
