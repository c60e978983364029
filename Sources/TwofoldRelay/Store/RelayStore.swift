import TwofoldCrypto
import TwofoldProtocol

/// The relay's storage: everything replicas share (Protocol/relay-api.md, "Terminology").
///
/// Routes talk only to this protocol: ``SQLiteRelayStore`` (the default) and
/// ``PostgresRelayStore`` (replicas, issue 8) both implement it. Every method that writes more than one row
/// does it in one transaction: a batch with its compare-and-swap checks [API-19], a rotation
/// [API-22], account creation with its invite [API-14], a link reply with the device it
/// registers. Refusals are thrown as ``RelayError`` with the spec's codes; any other error is
/// a storage failure. Writes on behalf of a device check that it is still active inside
/// their transaction [API-13].
public protocol RelayStore: ChallengeLedger {
    // MARK: Relay

    /// The relay secrets, created with the store [API-5].
    func secrets() async throws -> RelaySecrets
    /// Replaces `auth_secret` (`twofold-relay rotate-secret`): every token and challenge fails.
    func rotateAuthSecret() async throws
    /// Throws when the store does not answer (`/v1/health`).
    func ping() async throws
    /// Every device's status and the deleted accounts, for the in-memory directory [API-12].
    func deviceDirectory() async throws -> DeviceDirectorySnapshot
    /// Forgets used challenges and mailboxes past their expiry, and idle rate buckets.
    func purgeExpired(nowMs: Int64) async throws

    // MARK: Accounts

    /// Creates the account, its first device and its grants at epoch 1, consuming one use of
    /// `inviteHash` when given, all in one transaction [API-14]. Throws `account_exists`,
    /// `device_exists`, `invite_invalid`.
    func createAccount(_ account: NewAccount, inviteHash: [UInt8]?, nowMs: Int64) async throws
    /// The account, or nil.
    func account(_ id: AccountID) async throws -> AccountState?
    /// The passphrase keys of an account that has one [API-17].
    func passphraseKeys(_ id: AccountID) async throws -> PassphraseKeys?
    /// The public keys of a device of the account, active or not.
    func device(_ id: DeviceID, account: AccountID) async throws -> (keys: DeviceKeys, status: DeviceStatus)?
    /// Records a sign-in for `last seen`.
    func touch(device: DeviceID, account: AccountID, nowMs: Int64) async throws
    /// Deletes the account and everything stored for it in one transaction; false if unknown.
    func deleteAccount(_ id: AccountID, nowMs: Int64) async throws -> Bool

    // MARK: Records, heads, grants, rotation

    /// A page of records with `seq > after`, as many as `PageBudget(limit:maxBytes:)` admits
    /// (at least one when any follow); the last page and its head in one read [API-18].
    func pull(account: AccountID, after: Int64, limit: Int, maxBytes: Int) async throws -> RecordPage
    /// Applies a batch and its head all or nothing [API-19]; `version_conflict`,
    /// `epoch_mismatch`, `head_conflict`, `quota_exceeded`, `device_revoked`.
    func push(account: AccountID, device: DeviceID, writes: [RecordWrite], head: HeadWrite,
              quotas: StoreQuotas, nowMs: Int64) async throws -> PushOutcome
    /// The latest head, or nil before the first push.
    func head(account: AccountID) async throws -> StoredHead?
    /// The current epoch's grant to `recipient`, or nil.
    func grant(account: AccountID, recipient: GrantRecipient) async throws -> (epoch: Int64, sealed: [UInt8])?
    /// Stores device grants at the current epoch for active devices [API-21].
    func putGrants(account: AccountID, device: DeviceID, epoch: Int64, grants: [GrantEntry], nowMs: Int64) async throws
    /// Checks and applies a rotation in one transaction, or nothing [API-22].
    func rotate(account: AccountID, device: DeviceID, rotation: Rotation, quotas: StoreQuotas,
                nowMs: Int64) async throws -> (outcome: PushOutcome, revoked: [DeviceID])

    // MARK: Snapshots

    /// Stores a snapshot within the quotas; `snapshot_exists`, `quota_exceeded`.
    func putSnapshot(account: AccountID, device: DeviceID, upload: SnapshotUpload, quotas: StoreQuotas,
                     nowMs: Int64) async throws -> SnapshotInfo
    /// The account's snapshots, newest first.
    func snapshots(account: AccountID) async throws -> [SnapshotInfo]
    /// One snapshot with its sealed bytes.
    func snapshot(account: AccountID, id: RecordID) async throws -> (info: SnapshotInfo, sealed: [UInt8])?
    /// Deletes one snapshot; false when the account has none with that id.
    func deleteSnapshot(account: AccountID, id: RecordID) async throws -> Bool

    // MARK: Linking [DEV-10]

    /// Opens a mailbox; `rendezvous_taken`.
    func openMailbox(_ offer: LinkOffer, collectHash: [UInt8], expiresAtMs: Int64, nowMs: Int64) async throws
    /// The unexpired, uncollected mailbox.
    func mailbox(rendezvousID: [UInt8], nowMs: Int64) async throws -> LinkMailbox?
    /// Registers the offered device in `account`, stores its grant and the reply, in one
    /// transaction; `link_not_found`, `link_used`, `epoch_mismatch`, `device_exists`.
    func replyToMailbox(rendezvousID: [UInt8], account: AccountID, from device: DeviceID, epoch: Int64,
                        grant: [UInt8], tag: [UInt8], nowMs: Int64) async throws
    /// Takes the reply and deletes the mailbox; nil while no reply; `link_not_found` for an
    /// unknown, expired or collected mailbox or a wrong collect token.
    func collectMailbox(rendezvousID: [UInt8], collectHash: [UInt8], nowMs: Int64) async throws -> LinkReply?

    // MARK: Recovery [API-28]

    /// Takes one token from each bucket (key and rule) in one transaction, or none when any
    /// is empty, whether or not the claim will succeed; the wait in seconds when refused.
    func takeRecoveryTokens(_ buckets: [(key: String, rule: RateLimiter.Rule)], nowMs: Int64) async throws -> Int?
    /// Finds the account by the key (and id), registers the device, returns the grant to the
    /// key; `recovery_failed` for an unknown account or a key that is not the account's,
    /// `device_exists`.
    func claimRecovery(kind: AuthMessage.RecoveryKeyKind, publicKey: [UInt8], accountID: AccountID?,
                       device: DeviceKeys, nowMs: Int64) async throws -> RecoveryGrant

    // MARK: Admin

    /// Stores an invite by its hash, with the admin's label for the accounts it creates.
    func createInvite(hash: [UInt8], uses: Int64, expiresAtMs: Int64?, label: String?, nowMs: Int64) async throws
    /// Every invite that can still be used.
    func invites(nowMs: Int64) async throws -> [InviteInfo]
    /// Revokes the invite whose id (12 hex digits) is given; false if none.
    func revokeInvite(id: String) async throws -> Bool
    /// One summary per account.
    func accountSummaries() async throws -> [AccountSummary]
    /// Suspends (`disabled`) or restores an account; false when there is no such account.
    /// Suspending an account already suspended keeps its first time.
    func setAccountDisabled(_ id: AccountID, disabled: Bool, nowMs: Int64) async throws -> Bool
}

extension RelayStore {
    /// A page cut by count alone, without a byte budget (tests, tools).
    public func pull(account: AccountID, after: Int64, limit: Int) async throws -> RecordPage {
        try await pull(account: account, after: after, limit: limit, maxBytes: .max)
    }
}

/// The relay's two secrets (relay-api.md, "Relay secrets"): never logged or sent [API-5].
public struct RelaySecrets: Sendable {
    /// Keys challenge tags and token MACs.
    public var auth: RelaySecret
    /// Derives decoy passphrase parameters; never rotated.
    public var decoy: SecureBytes

    /// Creates the pair.
    public init(auth: RelaySecret, decoy: SecureBytes) {
        self.auth = auth
        self.decoy = decoy
    }
}
