/// TwofoldRelay: the self-hostable relay server as a library (Protocol/relay-api.md).
public enum TwofoldRelayVersion {
    /// The relay's version, reported by `/v1/health`.
    public static let current = "0.1.0"
}
