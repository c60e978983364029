/// The HOTP counter rule (Protocol/sync.md, "HOTP counters"): a grow-only counter per
/// device and token, merged by taking the maximum, so no device reuses a counter that
/// any device's synced record says was used.
public enum HOTPCounter {
    /// Checks that a counter record is its writer's own: `record_id` must be
    /// `counter-id(token_record_id, version_device_id)`. Otherwise one device could
    /// overwrite another's counter with a lower value and bring back spent codes.
    public static func check(_ header: RecordHeader, _ payload: CounterPayload) throws(ProtocolError) {
        guard header.kind == .hotpCounter else {
            throw .bindingMismatch(what: "hotp counter record", reason: "record kind is \(header.kind.rawValue)")
        }
        guard header.id == CounterPayload.recordID(token: payload.token, device: header.version.device) else {
            throw .bindingMismatch(what: "hotp counter record \(header.id)",
                                   reason: "its id is not the counter id of token \(payload.token) and writer \(header.version.device)")
        }
    }

    /// The counter a device uses next for `token`: the largest of the token's initial
    /// counter and every device's `next_counter` for it.
    public static func next(for token: RecordID, initial: UInt64, counters: some Sequence<CounterPayload>) -> UInt64 {
        counters.reduce(initial) { $1.token == token ? max($0, $1.next) : $0 }
    }

    /// The payload a device writes, and commits, before showing the code for `used`:
    /// its own counter moves past `used` and never goes back
    /// (`next_counter = max(own current next_counter, used + 1)`).
    public static func afterUsing(_ used: UInt64, token: RecordID, own: CounterPayload?) -> CounterPayload {
        CounterPayload(token: token, next: max(own?.next ?? 0, used &+ 1 == 0 ? used : used + 1))
    }
}
