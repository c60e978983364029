import Foundation
import TwofoldCrypto
import TwofoldProtocol

/// A new device's linking state while it has no vault yet (Protocol/devices.md, "Linking",
/// steps 1–3 and 9, "Interrupted"): its ids and key pairs, the code, the mailbox's
/// collect token and expiry, and the reply once collected.
public struct LinkRequest: Sendable {
    /// The relay the mailbox is on.
    public var relayURL: String
    /// The name the new device asks to be listed under (the approving device may override it).
    public var deviceName: String
    /// The new device's id.
    public var device: DeviceID
    /// Its Ed25519 key pair.
    public var signing: Ed25519KeyPair
    /// Its X25519 key pair.
    public var box: X25519KeyPair
    /// The code it shows.
    public var code: LinkCode
    /// The token that collects the reply, once the mailbox is open.
    public var collectToken: [UInt8]?
    /// When the relay deletes the mailbox, Unix milliseconds, once it is open.
    public var expiresMilliseconds: UInt64?
    /// The reply, persisted as soon as it was collected (step 9).
    public var reply: LinkReplyContent?
    /// Until when the relay may still be holding a collect (long poll) this device sent,
    /// Unix milliseconds. A run stopped during a long poll leaves it behind on the relay,
    /// where it could take the reply; a new run shows the code only once it has ended.
    public var pollingUntilMilliseconds: UInt64?

    /// A fresh request: new ids and keys from the CSPRNG ([DEV-6]).
    public static func generate(relayURL: String, deviceName: String) -> LinkRequest {
        LinkRequest(relayURL: relayURL, deviceName: deviceName, device: .random(), signing: .generate(), box: .generate(),
                    code: .generate(), collectToken: nil, expiresMilliseconds: nil, reply: nil, pollingUntilMilliseconds: nil)
    }
}

/// Where a new device keeps its ``LinkRequest``: `<home>/link-request.json`, mode 0600 in
/// the 0700 home, replaced atomically (temporary file, fsync, rename), removed once the
/// device is linked or the request is abandoned. It holds the device's secret keys and
/// the link secret, so it is protected like the key file of a `--no-passphrase` vault
/// (Protocol/crypto.md, "Local at rest"); it exists for at most the mailbox's 10 minutes
/// plus the seconds between collecting the reply and creating the vault.
public enum LinkRequestFile {
    /// The file's name in the home.
    public static let fileName = "link-request.json"
    /// Format of the file.
    static let formatVersion = 1

    /// The file's path in `home`.
    public static func path(_ home: VaultHome) -> String { home.path + "/" + fileName }

    private struct Stored: Codable {
        struct Reply: Codable {
            var account_id: String
            var epoch: UInt32
            var grant: String
            var tag: String
            var from_device_id: String
            var from_sign_key: String
            var from_box_key: String
        }

        var format: Int
        var relay: String
        var device_name: String
        var device_id: String
        var sign_secret: String
        var box_secret: String
        var rendezvous_id: String
        var link_secret: String
        var collect_token: String?
        var expires_at_ms: UInt64?
        var polling_until_ms: UInt64?
        var reply: Reply?
    }

    /// The request persisted in `home`, if any. A file that cannot be read back is reported,
    /// never silently replaced.
    public static func load(home: VaultHome) throws(VaultError) -> LinkRequest? {
        let file = path(home)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        try home.checkPermissions()
        var st = stat()
        if stat(file, &st) == 0, st.st_mode & 0o077 != 0 { throw .insecurePermissions(path: file) }
        let broken = VaultError.storage("\(file) is not a readable link request: delete it and run 'twofold link' again")
        guard let data = FileManager.default.contents(atPath: file),
              let stored = try? JSONDecoder().decode(Stored.self, from: data), stored.format == formatVersion else { throw broken }
        func bytes(_ text: String, _ count: Int? = nil) throws(VaultError) -> [UInt8] {
            guard let value = Base64URL.decode(text), count == nil || value.count == count else { throw broken }
            return value
        }
        do {
            var reply: LinkReplyContent?
            if let r = stored.reply {
                reply = LinkReplyContent(
                    account: try AccountID(hex: r.account_id), epoch: r.epoch, grant: try bytes(r.grant), tag: try bytes(r.tag, 32),
                    fromDevice: try DeviceID(hex: r.from_device_id), fromSignKey: try bytes(r.from_sign_key, 32),
                    fromBoxKey: try bytes(r.from_box_key, 32))
            }
            guard let rendezvous = Hex.decode(stored.rendezvous_id) else { throw broken }
            return LinkRequest(
                relayURL: stored.relay, deviceName: stored.device_name, device: try DeviceID(hex: stored.device_id),
                signing: try Ed25519KeyPair(secretKey: SecureBytes(try bytes(stored.sign_secret, 64))),
                box: try X25519KeyPair(secretKey: SecureBytes(try bytes(stored.box_secret, 32))),
                code: try LinkCode(rendezvousID: rendezvous, linkSecret: SecureBytes(try bytes(stored.link_secret, LinkCode.secretLength))),
                collectToken: try stored.collect_token.map { text throws(VaultError) in try bytes(text) },
                expiresMilliseconds: stored.expires_at_ms, reply: reply, pollingUntilMilliseconds: stored.polling_until_ms)
        } catch let error as VaultError {
            throw error
        } catch {
            throw broken
        }
    }

    /// Persists `request` in `home` (creating the home, mode 0700): all or nothing.
    public static func save(_ request: LinkRequest, home: VaultHome) throws(VaultError) {
        try home.createDirectory()
        let stored = Stored(
            format: formatVersion, relay: request.relayURL, device_name: request.deviceName, device_id: request.device.hex,
            sign_secret: Base64URL.encode(request.signing.secretKey.copyBytes()),
            box_secret: Base64URL.encode(request.box.secretKey.copyBytes()),
            rendezvous_id: request.code.rendezvousHex, link_secret: Base64URL.encode(request.code.linkSecret.copyBytes()),
            collect_token: request.collectToken.map(Base64URL.encode), expires_at_ms: request.expiresMilliseconds,
            polling_until_ms: request.pollingUntilMilliseconds,
            reply: request.reply.map {
                Stored.Reply(account_id: $0.account.hex, epoch: $0.epoch, grant: Base64URL.encode($0.grant),
                             tag: Base64URL.encode($0.tag), from_device_id: $0.fromDevice.hex,
                             from_sign_key: Base64URL.encode($0.fromSignKey), from_box_key: Base64URL.encode($0.fromBoxKey))
            })
        let data: Data
        do { data = try JSONEncoder().encode(stored) } catch { throw .storage("cannot encode the link request: \(error)") }
        try writeAtomically(data, to: path(home))
    }

    /// Removes the request (linked, or abandoned).
    public static func remove(home: VaultHome) {
        unlink(path(home))
    }

    /// The file written as every secret file is (``SecureFile``).
    static func writeAtomically(_ data: Data, to path: String) throws(VaultError) {
        do { try SecureFile.write(data, to: path) } catch { throw .storage(error.description) }
    }
}
