import Foundation
import TwofoldCrypto
import TwofoldProtocol
import TwofoldVault

/// Linking, the existing device's side (Protocol/devices.md, "Linking", steps 4–8 and
/// "Interrupted"): read the offer, check its tag, persist a pending link, write the
/// roster with the new device, seal it the vault key and leave the reply.
public enum LinkApproval {
    /// How a link ended on this device.
    public struct Outcome: Sendable, Equatable {
        /// The new device.
        public var device: DeviceID
        /// Its name in the roster.
        public var name: String
        /// True when the relay had already taken this device's reply (an earlier run).
        public var alreadyReplied: Bool
    }

    /// What became of a pending link found on start.
    public enum Resumed: Sendable, Equatable {
        /// The link was completed now or had been completed.
        case completed(Outcome)
        /// The mailbox had expired before the reply: the new device was taken out of the roster again.
        case expired(device: DeviceID, name: String)
    }

    /// The message for a code the relay does not know.
    static let unknownCode = SyncError.relay(RelayFailure(
        status: 404, code: "link_not_found",
        message: "no device is waiting with this code: it expired (codes last 10 minutes), was already used, or was mistyped; check it, or run 'twofold link' on the new device again for a new code"))

    /// Steps 4–8 for `code`. A pending link of an earlier run is finished (or undone) first.
    /// A wrong offer tag stops everything before anything is written or sent [DEV-7].
    public static func approve(vault: Vault, client: RelayClient, code: LinkCode, name: String?) async throws
        -> (outcome: Outcome, resumed: Resumed?) {
        let session = try await RelaySession.stored(client: client, store: vault.syncStore)
        var resumed: Resumed?
        if let pending = try vault.pendingLink() {
            resumed = try await resume(vault: vault, client: client, session: session, pending: pending)
            if pending.rendezvousID == code.rendezvousID, case .completed(let outcome)? = resumed {
                return (outcome, nil)
            }
        }
        let api = LinkingAPI(client: client)
        let offer: LinkingAPI.Offer
        do {
            offer = try await api.offer(session: session, rendezvousID: code.rendezvousID)
        } catch {
            throw error.code == "link_not_found" ? unknownCode : error
        }
        let key = code.linkKey
        // [DEV-7]: the offered keys must be the ones committed to by the code's secret.
        guard key.verifyOffer(offer.tag, rendezvousID: code.rendezvousID, device: offer.device.device,
                              signKey: offer.device.signKey, boxKey: offer.device.boxKey) else {
            throw SyncError.rejected("the code does not match the device that asked to link: it was mistyped, or someone is interfering. Nothing was sent or changed; check the code on the new device and run 'twofold approve' again")
        }
        if try vault.roster()?.device(offer.device.device) != nil {
            throw SyncError.rejected("the device asking to link claims the id of a device already in the account (\(offer.device.device.hex.prefix(8))): nothing was sent or changed; run 'twofold link' on the new device again")
        }
        let deviceName = name ?? "device \(offer.device.device.hex.prefix(8))"
        let pending = PendingLink(
            rendezvousID: code.rendezvousID, linkKey: key.bytes,
            device: Roster.Device(id: offer.device.device, signingKey: offer.device.signKey, boxKey: offer.device.boxKey,
                                  addedMilliseconds: vault.now(), name: deviceName),
            expiresMilliseconds: offer.expiresAt)
        try vault.savePendingLink(pending)  // step 6
        return (try await complete(vault: vault, client: client, session: session, pending: pending), resumed)
    }

    /// Finishes or undoes a pending link left by an interrupted run ("Interrupted"). Nil
    /// when there is none.
    public static func resumePending(vault: Vault, client: RelayClient) async throws -> Resumed? {
        guard let pending = try vault.pendingLink() else { return nil }
        let session = try await RelaySession.stored(client: client, store: vault.syncStore)
        return try await resume(vault: vault, client: client, session: session, pending: pending)
    }

    static func resume(vault: Vault, client: RelayClient, session: RelaySession, pending: PendingLink) async throws -> Resumed {
        let key = try LinkKey(bytes: pending.linkKey)
        let offer: LinkingAPI.Offer
        do {
            offer = try await LinkingAPI(client: client).offer(session: session, rendezvousID: pending.rendezvousID)
        } catch {
            guard error.code == "link_not_found" else { throw error }
            return try await undo(vault: vault, client: client, session: session, pending: pending)
        }
        do {
            let device = pending.device
            guard offer.device == LinkingAPI.OfferedDevice(device: device.id, signKey: device.signingKey, boxKey: device.boxKey),
                  key.verifyOffer(offer.tag, rendezvousID: pending.rendezvousID, device: device.id, signKey: device.signingKey,
                                  boxKey: device.boxKey) else {
                // Not the offer that was checked: undo, as for an expired mailbox.
                return try await undo(vault: vault, client: client, session: session, pending: pending)
            }
            return .completed(try await complete(vault: vault, client: client, session: session, pending: pending))
        }
    }

    /// Steps 7–8 for a persisted pending link.
    static func complete(vault: Vault, client: RelayClient, session: RelaySession, pending: PendingLink) async throws -> Outcome {
        var syncer = Syncer(store: vault.syncStore, transport: RecordsAPI(session: session), keyring: vault.keyring)
        syncer.follower = VaultEpochFollower(vault: vault, session: session)
        let offset: @Sendable () async -> Int64? = { await client.traffic.clockOffsetMilliseconds }
        // Step 7: the latest roster first, then N added and pushed (again from the relay's
        // new copy if another device wrote the roster meanwhile, [SYN-21]).
        try await syncer.run(clockOffset: offset)
        try await syncer.changeRoster(clockOffset: offset, change: { try vault.addToRoster(pending.device) },
                                      isDone: { try vault.roster()?.device(pending.device.id) != nil })
        // [DEV-2]: the grant goes to the X25519 key the roster lists, nothing else.
        guard let entry = try vault.roster()?.device(pending.device.id),
              entry.signingKey == pending.device.signingKey, entry.boxKey == pending.device.boxKey else {
            throw SyncError.conflictsPersist(attempts: 3)
        }
        let own = try vault.syncStore.devicePublicKeys()
        let epoch = vault.metadata.currentEpoch
        let grant = try vault.sealGrant(to: entry.boxKey)
        let tag = try LinkKey(bytes: pending.linkKey).replyTag(
            rendezvousID: pending.rendezvousID, account: vault.account, epoch: epoch, fromDevice: vault.device,
            fromSignKey: own.sign, fromBoxKey: own.box, grant: grant)
        var alreadyReplied = false
        do {
            try await LinkingAPI(client: client).reply(session: session, rendezvousID: pending.rendezvousID, epoch: epoch,
                                                       grant: grant, tag: tag)
        } catch {
            guard error.code == "link_used" || error.code == "link_not_found" else { throw error }
            // An earlier reply may have reached the relay (its answer lost): the relay then
            // lists the new device as active. Otherwise the mailbox went before any reply.
            guard try await isActive(pending.device.id, client: client, session: session) else {
                if error.code == "link_used" {
                    throw SyncError.rejected("another device already answered this code: nothing more was sent; check 'twofold status' on the new device")
                }
                _ = try await undo(vault: vault, client: client, session: session, pending: pending)
                throw unknownCode
            }
            alreadyReplied = true
        }
        try vault.clearPendingLink()
        return Outcome(device: pending.device.id, name: entry.name, alreadyReplied: alreadyReplied)
    }

    /// The mailbox is gone: if the relay shows the device active the reply got through;
    /// otherwise write the roster without it and clear the pending link.
    static func undo(vault: Vault, client: RelayClient, session: RelaySession, pending: PendingLink) async throws -> Resumed {
        if try await isActive(pending.device.id, client: client, session: session) {
            try vault.clearPendingLink()
            return .completed(Outcome(device: pending.device.id, name: pending.device.name, alreadyReplied: true))
        }
        var syncer = Syncer(store: vault.syncStore, transport: RecordsAPI(session: session), keyring: vault.keyring)
        syncer.follower = VaultEpochFollower(vault: vault, session: session)
        try await syncer.run()
        try await syncer.changeRoster(change: { try vault.removeFromRoster(pending.device.id) },
                                      isDone: { try vault.roster()?.device(pending.device.id) == nil })
        try vault.clearPendingLink()
        return .expired(device: pending.device.id, name: pending.device.name)
    }

    static func isActive(_ device: DeviceID, client: RelayClient, session: RelaySession) async throws(SyncError) -> Bool {
        let account = try await AccountsAPI(client: client).account(session: session)
        return account.devices.contains { $0.id == device && $0.status == "active" }
    }
}
