import TwofoldCrypto
import TwofoldProtocol
import TwofoldVault

/// The routes of the many-devices flows (Protocol/relay-api.md, "Accounts", "Rotation";
/// Protocol/devices.md): the account's devices, rotations, and passphrase parameters.
public struct DevicesAPI: Sendable {
    /// The HTTP client.
    public let client: RelayClient

    /// Uses `client`.
    public init(client: RelayClient) { self.client = client }

    /// One device as the relay knows it.
    public struct Device: Sendable, Equatable {
        /// Its id.
        public var id: DeviceID
        /// Its Ed25519 public key.
        public var signingKey: [UInt8]
        /// Its X25519 public key.
        public var boxKey: [UInt8]
        /// True while the relay accepts it.
        public var active: Bool
        /// When the relay registered it, Unix ms.
        public var createdMilliseconds: UInt64
        /// Its last sign-in, Unix ms.
        public var lastSeenMilliseconds: UInt64?
    }

    /// The account as the relay describes it: its epoch, devices and account keys.
    public struct Account: Sendable, Equatable {
        /// The epoch the relay's records are sealed under.
        public var epoch: UInt32
        /// Every device the relay knows, active or revoked.
        public var devices: [Device]
        /// The recovery public keys.
        public var recovery: AccountPublicKeys
        /// The passphrase public keys, if the account has a passphrase.
        public var passphrase: AccountPublicKeys?

        /// Active devices by id (true) and revoked ones (false).
        public var statusByID: [DeviceID: Bool] {
            Dictionary(devices.map { ($0.id, $0.active) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// `GET /v1/account`.
    public func account(session: RelaySession) async throws(SyncError) -> Account {
        let answer = try await session.send(.GET, "/v1/account", as: Wire.AccountDetails.self)
        var devices: [Device] = []
        for d in answer.devices {
            devices.append(Device(id: try Wire.id(d.device_id, "device_id"), signingKey: try Wire.bytes(d.sign_key, "sign_key"),
                                  boxKey: try Wire.bytes(d.box_key, "box_key"), active: d.status == "active",
                                  createdMilliseconds: d.created_at_ms, lastSeenMilliseconds: d.last_seen_ms))
        }
        let passphrase = try answer.passphrase.map { p throws(SyncError) in
            AccountPublicKeys(signingKey: try Wire.bytes(p.sign_key, "passphrase.sign_key"), boxKey: try Wire.bytes(p.box_key, "passphrase.box_key"))
        }
        return Account(epoch: answer.epoch, devices: devices,
                       recovery: AccountPublicKeys(signingKey: try Wire.bytes(answer.recovery.sign_key, "recovery.sign_key"),
                                                   boxKey: try Wire.bytes(answer.recovery.box_key, "recovery.box_key")),
                       passphrase: passphrase)
    }

    /// `POST /v1/rotations` with `plan` (relay-api.md, "Rotation"). Conflicts
    /// (`rotation_conflict`, `head_conflict`, `version_conflict`) throw ``SyncError/conflict(code:)``.
    public func rotate(_ plan: RotationPlan, session: RelaySession) async throws(SyncError) -> PushReceipt {
        let passphrase: Wire.RotationRequest.PassphraseField
        switch plan.passphrase {
        case .keep: passphrase = .keep
        case .remove: passphrase = .remove
        case .set(let keys, let parameters, _):
            passphrase = .set(.init(sign_key: Base64URL.encode(keys.signingKey), box_key: Base64URL.encode(keys.boxKey),
                                    salt: Base64URL.encode(parameters.salt), ops_limit: parameters.cost.opsLimit,
                                    mem_limit: parameters.cost.memLimit))
        }
        let body = Wire.RotationRequest(
            from_epoch: plan.fromEpoch, to_epoch: plan.toEpoch, revoke: plan.revoke.map(\.hex),
            records: plan.records.map { .init(record_id: $0.header.id.hex, version: $0.header.version.description,
                                              sealed: Base64URL.encode($0.sealed)) },
            grants: plan.grants.map { Wire.Grant(recipient: $0.recipient, sealed: Base64URL.encode($0.sealed)) },
            recovery: plan.recovery.map { Wire.AccountKeys(sign_key: Base64URL.encode($0.signingKey), box_key: Base64URL.encode($0.boxKey)) },
            passphrase: passphrase,
            head: Wire.HeadWrite(counter: plan.head.head.counter, head: Base64URL.encode(plan.head.bytes),
                                 expected_counter: plan.expectedCounter))
        let result: Wire.PushResult
        do {
            result = try await session.send(.POST, "/v1/rotations", body: body, as: Wire.PushResult.self)
        } catch .relay(let failure) where ["rotation_conflict", "head_conflict", "version_conflict"].contains(failure.code) {
            throw .conflict(code: failure.code)
        }
        var seqs: [RecordID: UInt64] = [:]
        for entry in result.records { seqs[try Wire.id(entry.record_id, "record_id")] = entry.seq }
        guard result.epoch == plan.toEpoch else {
            throw .invalidResponse("the relay reports epoch \(result.epoch) after a rotation to \(plan.toEpoch)")
        }
        return PushReceipt(seq: result.seq, epoch: result.epoch, seqs: seqs)
    }

    /// `GET /v1/accounts/{account_id}/passphrase`: the salt and cost (real or decoy,
    /// [API-17]). A cost outside what this device will run is refused before Argon2id runs
    /// ([CRY-13]).
    public func passphraseParameters(account: AccountID) async throws(SyncError) -> PassphraseParameters {
        let answer = try await client.send(.GET, "/v1/accounts/\(account.hex)/passphrase", as: Wire.PassphraseParameters.self)
        do {
            return try PassphraseParameters(salt: try Wire.bytes(answer.salt, "salt"),
                                            cost: Argon2id.Cost(opsLimit: answer.ops_limit, memLimit: answer.mem_limit))
        } catch let error as SyncError {
            throw error
        } catch {
            throw .rejected("the relay's passphrase parameters are refused: \(error)")
        }
    }
}
