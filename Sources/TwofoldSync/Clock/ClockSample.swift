/// One reading of the relay's clock, bracketed by this computer's clock: the request
/// left at `sentMs` and its answer arrived at `receivedMs` (both local Unix ms), and the
/// relay said `relayMs`, a reading that may lag the true relay time by up to
/// `resolutionMs` (1 for `/v1/health`'s `time_ms`; 2000 for the `Date` header,
/// ``dateResolutionMs``).
///
/// Whatever the network did, the relay read its clock at some local instant between
/// sending and receiving, so the offset (relay minus local) lies in
/// `[relayMs − receivedMs, relayMs + resolutionMs − sentMs]` (Protocol/sync.md, "Clock offset").
public struct ClockSample: Sendable, Equatable {
    /// Local clock when the request was sent, Unix ms.
    public var sentMs: Int64
    /// Local clock when the answer was read, Unix ms.
    public var receivedMs: Int64
    /// What the relay's clock said, Unix ms (truncated to `resolutionMs`).
    public var relayMs: Int64
    /// How coarse `relayMs` is, ms.
    public var resolutionMs: Int64

    /// How far a relay's `Date` header may lag its clock: whole seconds, and servers
    /// (Hummingbird among them) format it from a cache refreshed once a second, so it can
    /// be up to two seconds old when it leaves.
    public static let dateResolutionMs: Int64 = 2_000
    /// `/v1/health`'s `time_ms` is read when the answer is made.
    public static let healthResolutionMs: Int64 = 1

    /// A sample; `receivedMs` earlier than `sentMs` (a clock step mid-request) is clamped.
    public init(sentMs: Int64, receivedMs: Int64, relayMs: Int64, resolutionMs: Int64) {
        self.sentMs = sentMs
        self.receivedMs = max(receivedMs, sentMs)
        self.relayMs = relayMs
        self.resolutionMs = max(resolutionMs, 1)
    }

    /// The smallest offset consistent with the sample.
    public var lowerBound: Int64 { relayMs - receivedMs }
    /// The largest offset consistent with the sample.
    public var upperBound: Int64 { relayMs + resolutionMs - sentMs }
    /// The round trip, ms.
    public var roundTripMs: Int64 { receivedMs - sentMs }
}
