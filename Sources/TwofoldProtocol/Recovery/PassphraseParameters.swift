import Foundation
import TwofoldCrypto

/// Salt and cost of the optional account passphrase (Protocol/crypto.md, "Account
/// passphrase"). The device that sets the passphrase picks a fresh salt; the relay keeps
/// both and hands them to anyone who asks.
public struct PassphraseParameters: Hashable, Sendable {
    /// 16 random bytes.
    public var salt: [UInt8]
    /// Argon2id cost; writers use at least MODERATE.
    public var cost: Argon2id.Cost

    /// Creates parameters; throws when the salt is not 16 bytes.
    public init(salt: [UInt8], cost: Argon2id.Cost) throws(ProtocolError) {
        guard salt.count == Argon2id.saltLength else {
            throw .malformed(what: "passphrase salt", reason: "\(salt.count) bytes instead of \(Argon2id.saltLength)")
        }
        self.salt = salt
        self.cost = cost
    }

    /// Fresh parameters for a new passphrase, at MODERATE cost.
    public static func generate() -> PassphraseParameters {
        try! PassphraseParameters(salt: SecureRandom.bytes(Argon2id.saltLength), cost: .moderate)
    }

    /// What the relay answers for an account that does not exist, so that the answer
    /// does not reveal which accounts exist: stable per account, unpredictable without
    /// the relay's secret.
    /// `salt = crypto_generichash(16, "twofold/decoy-salt/v1" || account_id, key = relay_secret)`.
    public static func decoy(for account: AccountID, relaySecret: SecureBytes) -> PassphraseParameters {
        let salt = BLAKE2b.deriveSecret(Array("twofold/decoy-salt/v1".utf8) + account.bytes,
                                        key: relaySecret, outputLength: 16).copyBytes()
        return try! PassphraseParameters(salt: salt, cost: .moderate)
    }

    /// `master = crypto_pwhash(32, UTF-8(NFC(passphrase)), salt, ops, mem, ARGON2ID13)`.
    ///
    /// Throws ``ProtocolError/malformed(what:reason:)`` for a cost beyond what a reader
    /// will attempt (a hostile relay could ask for terabytes), and
    /// ``ProtocolError/keyDerivationFailed`` when Argon2id cannot run.
    public func masterKey(passphrase: String) throws(ProtocolError) -> SecureBytes {
        guard cost.isSane else {
            throw .malformed(what: "passphrase cost", reason: "ops \(cost.opsLimit), memory \(cost.memLimit) out of range")
        }
        do {
            return try Argon2id.deriveKey(
                length: 32, passphrase: PassphraseParameters.normalize(passphrase), salt: salt, cost: cost)
        } catch {
            throw .keyDerivationFailed
        }
    }

    /// The account key pairs for `passphrase`.
    public func keyPairs(passphrase: String) throws(ProtocolError) -> AccountKeyPairs {
        AccountKeyPairs(master: try masterKey(passphrase: passphrase), labels: .passphrase)
    }

    /// Unicode NFC, so the same passphrase typed on different systems gives the same bytes.
    /// Nothing else is changed: no trimming, no case folding.
    public static func normalize(_ passphrase: String) -> String {
        passphrase.precomposedStringWithCanonicalMapping
    }
}
