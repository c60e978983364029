/// The failures of TwofoldDaemon that a caller must tell apart. Messages are one line:
/// what is wrong and what to do.
public enum DaemonError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another daemon already serves this home.
    case alreadyRunning(home: String)
    /// The control socket cannot be set up.
    case socket(String)
    /// No daemon answers for this home.
    case notRunning(home: String)
    /// The daemon answered with a failure.
    case refused(code: String, message: String)
    /// The daemon's answer could not be read.
    case protocolError(String)

    public var description: String {
        switch self {
        case .alreadyRunning(let home):
            return "a twofoldd already serves \(home): stop it first (systemctl --user stop twofoldd), or use another --home"
        case .socket(let why):
            return why
        case .notRunning(let home):
            return "no twofoldd is running for \(home): start it (systemctl --user start twofoldd, or twofoldd --home \(home))"
        case .refused(_, let message):
            return message
        case .protocolError(let why):
            return "the daemon's answer could not be read (\(why)): make sure twofold and twofoldd are the same version"
        }
    }
}
