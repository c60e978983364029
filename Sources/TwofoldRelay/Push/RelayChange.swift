import TwofoldProtocol

/// A committed change other replicas must hear of, as the PostgreSQL store sends it with
/// `NOTIFY twofold_events` inside the writing transaction (Protocol/relay-api.md, "Device
/// status" and "Push"; issue 8).
///
/// The payload is one line of text, `v1 ORIGIN KIND ACCOUNT ARGS…`, far below PostgreSQL's
/// 8000-byte limit (revocations are split into chunks of ``revokeChunk`` devices). It says
/// no more than an event does [API-23]: seqs, epochs and which devices were revoked.
/// `ORIGIN` names the writing process, so a replica skips its own announcements (its routes
/// already delivered them to its streams).
enum RelayChange: Sendable, Equatable {
    /// Records up to `seq` exist; every stream of the account but `except`'s is told.
    case records(account: AccountID, seq: Int64, except: DeviceID?)
    /// The account rotated to `epoch`.
    case epoch(account: AccountID, epoch: Int64, except: DeviceID?)
    /// Devices revoked: refused from now on, their streams get `revoked` and close [API-12].
    case revoked(account: AccountID, devices: [DeviceID])
    /// The account was deleted: its devices answer `account_deleted`, its streams close.
    case accountDeleted(account: AccountID)

    /// The channel every replica listens on.
    static let channel = "twofold_events"
    /// Devices per `revoked` payload: 200 × 33 characters stay under 8000 bytes.
    static let revokeChunk = 200

    /// The payloads of this change (several for a long revocation list; none for none).
    func payloads(origin: String) -> [String] {
        switch self {
        case .records(let account, let seq, let except):
            return ["v1 \(origin) records \(account.hex) \(seq) \(except?.hex ?? "-")"]
        case .epoch(let account, let epoch, let except):
            return ["v1 \(origin) epoch \(account.hex) \(epoch) \(except?.hex ?? "-")"]
        case .revoked(let account, let devices):
            return stride(from: 0, to: devices.count, by: Self.revokeChunk).map { start in
                let chunk = devices[start..<min(devices.count, start + Self.revokeChunk)]
                return "v1 \(origin) revoked \(account.hex) \(chunk.map(\.hex).joined(separator: ","))"
            }
        case .accountDeleted(let account):
            return ["v1 \(origin) deleted \(account.hex)"]
        }
    }

    /// Parses a payload; nil for anything else (a newer relay's kind is skipped, not fatal).
    static func parse(_ payload: String) -> (origin: String, change: RelayChange)? {
        let parts = payload.split(separator: " ").map(String.init)
        guard parts.count >= 4, parts[0] == "v1", let account = try? AccountID(hex: parts[3]) else { return nil }
        func device(_ text: String) -> DeviceID?? { text == "-" ? .some(nil) : (try? DeviceID(hex: text)).map { .some($0) } }
        let change: RelayChange
        switch (parts[2], parts.count) {
        case ("records", 6):
            guard let seq = Int64(parts[4]), let except = device(parts[5]) else { return nil }
            change = .records(account: account, seq: seq, except: except)
        case ("epoch", 6):
            guard let epoch = Int64(parts[4]), let except = device(parts[5]) else { return nil }
            change = .epoch(account: account, epoch: epoch, except: except)
        case ("revoked", 5):
            let devices = parts[4].split(separator: ",").compactMap { try? DeviceID(hex: String($0)) }
            change = .revoked(account: account, devices: devices)
        case ("deleted", 4):
            change = .accountDeleted(account: account)
        default:
            return nil
        }
        return (parts[1], change)
    }
}
