import Foundation
import TwofoldCrypto
import TwofoldProtocol

/// The pairing mailbox (Protocol/relay-api.md, "Routes"; Protocol/openapi.yaml, tag
/// `linking`; Protocol/devices.md, "Linking"). The new device opens and collects without
/// an account; the existing device reads the offer and replies as a signed-in device.
public struct LinkingAPI: Sendable {
    /// The HTTP client.
    public let client: RelayClient

    /// Uses `client`.
    public init(client: RelayClient) { self.client = client }

    /// The new device's keys as an offer carries them.
    public struct OfferedDevice: Sendable, Equatable {
        /// Its id.
        public var device: DeviceID
        /// Its Ed25519 public key.
        public var signKey: [UInt8]
        /// Its X25519 public key.
        public var boxKey: [UInt8]

        /// Creates an offered device.
        public init(device: DeviceID, signKey: [UInt8], boxKey: [UInt8]) {
            self.device = device
            self.signKey = signKey
            self.boxKey = boxKey
        }
    }

    /// An opened mailbox.
    public struct Mailbox: Sendable, Equatable {
        /// The token that collects the reply.
        public var collectToken: [UInt8]
        /// When the relay deletes it, Unix milliseconds.
        public var expiresAt: UInt64
    }

    /// An offer as `GET /v1/link/{rendezvous_id}` returns it (nothing checked yet).
    public struct Offer: Sendable, Equatable {
        /// The mailbox it names.
        public var rendezvousID: [UInt8]
        /// The offered device.
        public var device: OfferedDevice
        /// The offer tag.
        public var tag: [UInt8]
        /// When the mailbox expires.
        public var expiresAt: UInt64
    }

    /// `POST /v1/link` (step 2). `409 rendezvous_taken` comes back as ``SyncError/relay(_:)``.
    public func open(rendezvousID: [UInt8], device: OfferedDevice, tag: [UInt8]) async throws(SyncError) -> Mailbox {
        let body = Wire.LinkOfferBody(rendezvous_id: Hex.encode(rendezvousID), device: Wire.keys(device), tag: Base64URL.encode(tag))
        let answer = try await client.send(.POST, "/v1/link", body: body, as: Wire.LinkOpened.self)
        guard answer.rendezvous_id == Hex.encode(rendezvousID) else {
            throw .invalidResponse("the relay opened another mailbox than the one asked for")
        }
        let token = try Wire.bytes(answer.collect_token, "collect_token")
        guard token.count == 32 else { throw .invalidResponse("collect_token is not 32 bytes") }
        return Mailbox(collectToken: token, expiresAt: answer.expires_at_ms)
    }

    /// `POST /v1/link/{rendezvous_id}/collect` (step 3, 9): the reply, or nil when none
    /// came within `waitMilliseconds` (204). `404 link_not_found`: the mailbox expired or
    /// was collected.
    public func collect(rendezvousID: [UInt8], collectToken: [UInt8], waitMilliseconds: Int = 25_000)
        async throws(SyncError) -> LinkReplyContent? {
        let body = Wire.CollectBody(collect_token: Base64URL.encode(collectToken), wait_ms: waitMilliseconds)
        let (status, headers, data) = try await client.exchange(.POST, "/v1/link/\(Hex.encode(rendezvousID))/collect",
                                                                body: body, bearer: nil)
        if status == 204 { return nil }
        guard status == 200 else { throw RelayClient.failure(status: status, headers: headers, body: data) }
        let reply: Wire.LinkReplyBody
        do { reply = try JSONDecoder().decode(Wire.LinkReplyBody.self, from: data) } catch {
            throw .invalidResponse("the collected reply does not match the API")
        }
        let tag = try Wire.bytes(reply.tag, "tag")
        let sign = try Wire.bytes(reply.from_device.sign_key, "from_device.sign_key")
        let box = try Wire.bytes(reply.from_device.box_key, "from_device.box_key")
        guard tag.count == 32, sign.count == 32, box.count == 32 else {
            throw .invalidResponse("the collected reply has a tag or key of the wrong length")
        }
        return LinkReplyContent(account: try Wire.id(reply.account_id, "account_id"), epoch: reply.epoch,
                                grant: try Wire.bytes(reply.grant, "grant"), tag: tag,
                                fromDevice: try Wire.id(reply.from_device.device_id, "from_device.device_id"),
                                fromSignKey: sign, fromBoxKey: box)
    }

    /// `GET /v1/link/{rendezvous_id}` (step 4): the offer, unchecked.
    public func offer(session: RelaySession, rendezvousID: [UInt8]) async throws(SyncError) -> Offer {
        let answer = try await session.send(.GET, "/v1/link/\(Hex.encode(rendezvousID))", as: Wire.LinkOfferBody.self)
        guard let id = Hex.decode(answer.rendezvous_id), id == rendezvousID, answer.rendezvous_id == Hex.encode(id) else {
            throw .invalidResponse("the relay answered with the offer of another mailbox")
        }
        let sign = try Wire.bytes(answer.device.sign_key, "device.sign_key")
        let box = try Wire.bytes(answer.device.box_key, "device.box_key")
        guard sign.count == 32, box.count == 32 else { throw .invalidResponse("the offered keys are not 32 bytes each") }
        return Offer(rendezvousID: id,
                     device: OfferedDevice(device: try Wire.id(answer.device.device_id, "device.device_id"), signKey: sign, boxKey: box),
                     tag: try Wire.bytes(answer.tag, "tag"), expiresAt: answer.expires_at_ms ?? 0)
    }

    /// `POST /v1/link/{rendezvous_id}/reply` (step 8). `409 link_used`: a reply is already
    /// there; `404 link_not_found`: the mailbox expired.
    public func reply(session: RelaySession, rendezvousID: [UInt8], epoch: UInt32, grant: [UInt8], tag: [UInt8])
        async throws(SyncError) {
        let body = Wire.LinkReplyRequest(epoch: epoch, grant: Base64URL.encode(grant), tag: Base64URL.encode(tag))
        _ = try await session.send(.POST, "/v1/link/\(Hex.encode(rendezvousID))/reply", body: body, as: Wire.Empty.self)
    }
}

extension Wire {
    struct LinkOfferBody: Codable, Sendable {
        var rendezvous_id: String
        var device: DeviceKeys
        var tag: String
        var expires_at_ms: UInt64?
    }

    struct LinkOpened: Decodable {
        var rendezvous_id: String
        var expires_at_ms: UInt64
        var collect_token: String
    }

    struct CollectBody: Encodable, Sendable {
        var collect_token: String
        var wait_ms: Int
    }

    struct LinkReplyRequest: Encodable, Sendable {
        var epoch: UInt32
        var grant: String
        var tag: String
    }

    struct LinkReplyBody: Decodable {
        var account_id: String
        var epoch: UInt32
        var grant: String
        var tag: String
        var from_device: DeviceKeys
    }

    static func keys(_ device: LinkingAPI.OfferedDevice) -> DeviceKeys {
        DeviceKeys(device_id: device.device.hex, sign_key: Base64URL.encode(device.signKey), box_key: Base64URL.encode(device.boxKey))
    }
}
