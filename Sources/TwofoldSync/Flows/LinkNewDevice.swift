import Foundation
import TwofoldCrypto
import TwofoldProtocol
import TwofoldVault

/// Linking, the new device's side (Protocol/devices.md, "Linking", steps 1–3 and 9–11,
/// and "Interrupted"): open a pairing mailbox, show the code, collect the reply, check
/// it, and only then create the vault and join the account.
///
/// Until it is linked the device has no vault: its state is a ``LinkRequest`` in
/// ``LinkRequestFile``, so that a device stopped while waiting shows the same code again.
public enum LinkNewDevice {
    /// What linking brought.
    public struct Outcome: Sendable {
        /// The account joined.
        public var account: AccountID
        /// This device's id.
        public var device: DeviceID
        /// The device that approved.
        public var approvedBy: DeviceID
        /// Readable tokens now in the vault.
        public var tokens: Int
        /// Records that could not be opened (reported, never used).
        public var damaged: Int
    }

    /// How long each collect asks the relay to wait for the reply. Shorter than the
    /// relay's default, because a stopped run's poll may linger on the relay that long.
    public static let pollMilliseconds = 10_000

    /// How ``prepare(home:client:deviceName:notify:now:)`` found things.
    public enum Start: Sendable, Equatable {
        /// A new code.
        case fresh
        /// The code of an earlier run whose mailbox is still open.
        case resumedWaiting
        /// An earlier run collected the reply; only ``finish(home:client:request:passphrase:)`` is left.
        case resumedCollected
    }

    /// Step 1–2, or the resumption of an earlier run: a request whose mailbox is open
    /// (or whose reply is already here). Refuses a home that holds a vault.
    ///
    /// An earlier run stopped during a long poll may have left that poll waiting on the
    /// relay, where it would take the reply to nowhere; the code is shown again only once
    /// it has ended (at most ``pollMilliseconds`` and a margin), and `notify` says why.
    public static func prepare(home: VaultHome, client: RelayClient, deviceName: String,
                               notify: @Sendable (String) -> Void = { _ in },
                               now: @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1000) })
        async throws -> (request: LinkRequest, start: Start) {
        guard !home.hasVault else { throw VaultError.alreadyInitialized(home: home.path) }
        let stored = try LinkRequestFile.load(home: home)
        if let earlier = stored, earlier.reply != nil, earlier.relayURL != client.relay {
            throw SyncError.rejected("an earlier 'twofold link' with \(earlier.relayURL) was already approved: run 'twofold link --relay \(earlier.relayURL)' to finish it")
        }
        if let earlier = stored, earlier.relayURL == client.relay {
            if earlier.reply != nil { return (earlier, .resumedCollected) }
            // Keep a code only while it has time left to be typed in.
            if earlier.collectToken != nil, let expires = earlier.expiresMilliseconds, now() + 30_000 < expires {
                if let until = earlier.pollingUntilMilliseconds, now() < until {
                    let wait = until - now()
                    notify("an earlier 'twofold link' may still be waiting on the relay: the same code follows in \((wait + 999) / 1000) s")
                    try await Task.sleep(for: .milliseconds(Int64(wait)))
                }
                return (earlier, .resumedWaiting)
            }
        }
        LinkRequestFile.remove(home: home)
        for _ in 0..<3 {
            var request = LinkRequest.generate(relayURL: client.relay, deviceName: deviceName)
            try LinkRequestFile.save(request, home: home)
            let offered = LinkingAPI.OfferedDevice(device: request.device, signKey: request.signing.publicKey,
                                                   boxKey: request.box.publicKey)
            let tag = request.code.linkKey.offerTag(rendezvousID: request.code.rendezvousID, device: request.device,
                                                    signKey: offered.signKey, boxKey: offered.boxKey)
            let mailbox: LinkingAPI.Mailbox
            do {
                mailbox = try await LinkingAPI(client: client).open(rendezvousID: request.code.rendezvousID,
                                                                    device: offered, tag: tag)
            } catch {
                if error.code == "rendezvous_taken" { continue }  // pick new random values (devices.md, step 2)
                LinkRequestFile.remove(home: home)
                throw error
            }
            request.collectToken = mailbox.collectToken
            request.expiresMilliseconds = mailbox.expiresAt
            try LinkRequestFile.save(request, home: home)
            return (request, .fresh)
        }
        LinkRequestFile.remove(home: home)
        throw SyncError.rejected("the relay refused three fresh rendezvous ids (rendezvous_taken): try 'twofold link' again later")
    }

    /// Step 3 and 9: collects until the reply arrives, persisting it at once, or until
    /// the mailbox expires (the request is then removed).
    public static func waitForReply(home: VaultHome, client: RelayClient, request: LinkRequest,
                                    now: @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1000) })
        async throws -> LinkRequest {
        if request.reply != nil { return request }
        guard let token = request.collectToken, let expires = request.expiresMilliseconds else {
            throw SyncError.rejected("the link request has no open mailbox: run 'twofold link' again")
        }
        let api = LinkingAPI(client: client)
        var request = request
        while true {
            try Task.checkCancellation()
            let reply: LinkReplyContent?
            request.pollingUntilMilliseconds = now() + UInt64(pollMilliseconds) + 2_000
            try LinkRequestFile.save(request, home: home)
            do {
                reply = try await api.collect(rendezvousID: request.code.rendezvousID, collectToken: token,
                                              waitMilliseconds: pollMilliseconds)
            } catch {
                if error.code == "link_not_found" {
                    LinkRequestFile.remove(home: home)
                    throw SyncError.relay(RelayFailure(
                        status: 404, code: error.code,
                        message: "the code expired before a device approved it (codes last 10 minutes and work once): run 'twofold link' again for a new code"))
                }
                // The relay may be back before the mailbox expires; after that there is no point.
                guard error.isTransient, now() < expires + 60_000 else { throw error }
                try await Task.sleep(for: .seconds(2))
                continue
            }
            guard let reply else {
                // The relay deletes the mailbox at expiry; a relay that keeps answering "not yet"
                // long after is not believed (two minutes of clock difference allowed).
                if now() > expires + 120_000 {
                    LinkRequestFile.remove(home: home)
                    throw SyncError.rejected("the code expired before a device approved it (codes last 10 minutes): run 'twofold link' again for a new code")
                }
                continue
            }
            request.reply = reply
            request.pollingUntilMilliseconds = nil
            try LinkRequestFile.save(request, home: home)
            return request
        }
    }

    /// Steps 10–11: checks the reply tag [DEV-8], opens the grant, creates the vault, signs
    /// in, pulls, and checks that the roster lists this device and the approving device
    /// with exactly the keys they exchanged [DEV-9]. On a failed check nothing is kept; on a
    /// failed connection the collected reply is kept, so running again continues here.
    public static func finish(home: VaultHome, client: RelayClient, request: LinkRequest, passphrase: String?) async throws -> Outcome {
        guard let reply = request.reply else { throw SyncError.rejected("no reply was collected yet: run 'twofold link' again") }
        guard reply.isAuthentic(key: request.code.linkKey, rendezvousID: request.code.rendezvousID) else {
            LinkRequestFile.remove(home: home)
            throw SyncError.rejected("the approval that reached this device was not made with its code (reply tag mismatch): the relay or someone else interfered; nothing was opened or saved. Run 'twofold link' again for a new code")
        }
        let vaultKey: SecureBytes
        do {
            vaultKey = try Grant.open(reply.grant, account: reply.account, epoch: reply.epoch, with: request.box)
        } catch {
            LinkRequestFile.remove(home: home)
            throw SyncError.rejected("the vault key in the approval does not open for this device (\(error)): nothing was saved. Run 'twofold link' again")
        }
        let vault = try Vault.createJoined(home: home, passphrase: passphrase, joining: Vault.Joining(
            account: reply.account, device: request.device, epoch: reply.epoch, vaultKey: vaultKey, signing: request.signing,
            box: request.box, relayURL: client.relay))
        do {
            let session = RelaySession(client: client, account: reply.account, device: request.device, signingKey: request.signing)
            let store = vault.syncStore
            await session.persistTokens { text, expiresAt in try? store.storeAccessToken(text.isEmpty ? nil : (text, expiresAt)) }
            var syncer = Syncer(store: store, transport: RecordsAPI(session: session), keyring: vault.keyring)
            syncer.checkMembership = false
            try await syncer.run(clockOffset: { await client.traffic.clockOffsetMilliseconds })
            // [DEV-9]: the roster names this device and the approving one with the exchanged keys.
            guard let roster = try vault.roster() else {
                throw SyncError.rejected("the relay holds no roster for the account: nothing was kept. Run 'twofold link' again")
            }
            guard let me = roster.device(request.device), me.signingKey == request.signing.publicKey,
                  me.boxKey == request.box.publicKey else {
                throw SyncError.rejected("the account's roster does not list this device with the keys it offered: the relay or someone else interfered; nothing was kept. Run 'twofold link' again")
            }
            guard let approver = roster.device(reply.fromDevice), approver.signingKey == reply.fromSignKey,
                  approver.boxKey == reply.fromBoxKey else {
                throw SyncError.rejected("the account's roster does not list the approving device with the keys in its reply: the relay or someone else interfered; nothing was kept. Run 'twofold link' again")
            }
            LinkRequestFile.remove(home: home)
            let listing = try vault.tokens()
            try? vault.refreshBackupHolders()  // for the daemon's scheduled backups (daemon.md, "Backups")
            return Outcome(account: reply.account, device: request.device, approvedBy: reply.fromDevice,
                           tokens: listing.entries.count, damaged: listing.damaged.count)
        } catch {
            for file in [home.databasePath, home.databasePath + "-wal", home.databasePath + "-shm", home.keyFilePath] {
                unlink(file)
            }
            // A connection that failed may work next time: keep the collected reply for it.
            if let error = error as? SyncError, error.isTransient || error.code == "relay_unreachable" {
                throw error
            }
            LinkRequestFile.remove(home: home)
            throw error
        }
    }
}
