import TwofoldProtocol

/// JSON bodies of the relay API (Protocol/openapi.yaml, "components/schemas"). Binary
/// values are unpadded base64url, ids lowercase hex, as `relay-api.md` "Conventions" says.
/// Decoding ignores members it does not know ([API-2]).
enum Wire {
    struct ChallengeRequest: Encodable, Sendable { var purpose: String }
    struct Challenge: Decodable { var challenge: String; var expires_at_ms: UInt64 }

    struct TokenRequest: Encodable, Sendable {
        var account_id: String
        var device_id: String
        var challenge: String
        var signature: String
    }

    struct TokenResponse: Decodable {
        var access_token: String
        var expires_at_ms: UInt64
        var account_id: String
        var epoch: UInt32
    }

    struct DeviceKeys: Codable, Sendable { var device_id: String; var sign_key: String; var box_key: String }
    struct AccountKeys: Codable, Sendable { var sign_key: String; var box_key: String }
    struct Grant: Codable, Sendable { var recipient: String; var sealed: String }

    struct CreateAccountRequest: Encodable, Sendable {
        var account_id: String
        var invite: String?
        var device: DeviceKeys
        var recovery: AccountKeys
        var grants: [Grant]
        var challenge: String
        var signature: String
    }

    struct RecoveryClaim: Encodable, Sendable {
        var account_id: String?
        var key_kind: String
        var public_key: String
        var device: DeviceKeys
        var challenge: String
        var signature: String
    }

    struct RecoveryResult: Decodable {
        var access_token: String
        var expires_at_ms: UInt64
        var account_id: String
        var epoch: UInt32
        var grant: String
    }

    struct OwnGrant: Decodable { var epoch: UInt32; var sealed: String }
    struct PutGrants: Encodable, Sendable { var epoch: UInt32; var grants: [Grant] }

    struct Record: Decodable {
        var record_id: String
        var kind: Int
        var version: String
        var epoch: UInt32
        var deleted: Bool
        var sealed: String
        var seq: UInt64
    }

    struct Head: Decodable {
        var counter: UInt64
        var device_id: String
        var head: String
        var seq: UInt64
    }

    struct RecordPage: Decodable {
        var records: [Record]
        var latest_seq: UInt64
        var more: Bool
        var epoch: UInt32
        var head: Head?
    }

    struct HeadEnvelope: Decodable { var head: Head? }

    struct RecordWrite: Encodable, Sendable {
        var record_id: String
        var kind: Int
        var version: String
        var epoch: UInt32
        var deleted: Bool
        var sealed: String
        var expected_version: String?

        // expected_version is always present: null means "new" (relay-api.md, "Records").
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(record_id, forKey: .record_id)
            try c.encode(kind, forKey: .kind)
            try c.encode(version, forKey: .version)
            try c.encode(epoch, forKey: .epoch)
            try c.encode(deleted, forKey: .deleted)
            try c.encode(sealed, forKey: .sealed)
            try c.encode(expected_version, forKey: .expected_version)
        }

        enum CodingKeys: String, CodingKey { case record_id, kind, version, epoch, deleted, sealed, expected_version }
    }

    struct HeadWrite: Encodable, Sendable {
        var counter: UInt64
        var head: String
        var expected_counter: UInt64?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(counter, forKey: .counter)
            try c.encode(head, forKey: .head)
            try c.encode(expected_counter, forKey: .expected_counter)
        }

        enum CodingKeys: String, CodingKey { case counter, head, expected_counter }
    }

    struct PushRequest: Encodable, Sendable { var writes: [RecordWrite]; var head: HeadWrite }
    struct PushResult: Decodable {
        struct Entry: Decodable { var record_id: String; var seq: UInt64 }
        var seq: UInt64
        var epoch: UInt32
        var records: [Entry]
    }

    struct DeviceInfo: Decodable {
        var device_id: String
        var sign_key: String
        var box_key: String
        var status: String
    }

    struct Account: Decodable {
        var account_id: String
        var epoch: UInt32
        var devices: [DeviceInfo]
    }

    struct Health: Decodable {
        var status: String
        var time_ms: UInt64
        var registration: String
    }

    struct ErrorBody: Decodable {
        struct Inner: Decodable { var code: String; var message: String }
        var error: Inner
    }

    struct Empty: Codable, Sendable {}
}
