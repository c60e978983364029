import TwofoldProtocol

extension Wire {
    /// `POST /v1/rotations` (relay-api.md, "Rotation").
    struct RotationRequest: Encodable, Sendable {
        struct Record: Encodable, Sendable { var record_id: String; var version: String; var sealed: String }
        struct PassphraseKeys: Encodable, Sendable {
            var sign_key: String
            var box_key: String
            var salt: String
            var ops_limit: UInt64
            var mem_limit: UInt64
        }
        /// Absent keeps the passphrase, null removes it, an object sets it.
        enum PassphraseField: Sendable { case keep, remove, set(PassphraseKeys) }

        var from_epoch: UInt32
        var to_epoch: UInt32
        var revoke: [String]
        var records: [Record]
        var grants: [Grant]
        var recovery: AccountKeys?
        var passphrase: PassphraseField
        var head: HeadWrite

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(from_epoch, forKey: .from_epoch)
            try c.encode(to_epoch, forKey: .to_epoch)
            try c.encode(revoke, forKey: .revoke)
            try c.encode(records, forKey: .records)
            try c.encode(grants, forKey: .grants)
            try c.encodeIfPresent(recovery, forKey: .recovery)
            switch passphrase {
            case .keep: break
            case .remove: try c.encodeNil(forKey: .passphrase)
            case .set(let keys): try c.encode(keys, forKey: .passphrase)
            }
            try c.encode(head, forKey: .head)
        }

        enum CodingKeys: String, CodingKey { case from_epoch, to_epoch, revoke, records, grants, recovery, passphrase, head }
    }

    /// `GET /v1/accounts/{account_id}/passphrase`.
    struct PassphraseParameters: Decodable { var salt: String; var ops_limit: UInt64; var mem_limit: UInt64 }

    /// `GET /v1/account`, the parts `twofold devices` and rotations use.
    struct AccountDetails: Decodable {
        struct Device: Decodable {
            var device_id: String
            var sign_key: String
            var box_key: String
            var status: String
            var created_at_ms: UInt64
            var revoked_at_ms: UInt64?
            var last_seen_ms: UInt64?
        }
        struct Passphrase: Decodable { var sign_key: String; var box_key: String }
        var account_id: String
        var epoch: UInt32
        var created_at_ms: UInt64
        var devices: [Device]
        var recovery: AccountKeys
        var passphrase: Passphrase?
    }
}
