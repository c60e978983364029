import TwofoldCrypto

/// The two key pairs that stand for the account itself rather than a device: one set
/// derived from the recovery key, another from the optional account passphrase
/// (Protocol/crypto.md, "Recovery key" and "Account passphrase").
///
/// The relay stores only the public halves. The Ed25519 pair signs the relay's challenge
/// before a recovery grant is handed out; the X25519 pair opens that grant.
public struct AccountKeyPairs: Sendable {
    /// Signs relay challenges for recovery (`crypto_sign_seed_keypair`).
    public let signing: Ed25519KeyPair
    /// Receives every epoch's vault key as a grant (`crypto_box_seed_keypair`).
    public let box: X25519KeyPair
    /// `crypto_generichash(32, check label, key = master)`: the secret the roster keeps so
    /// that a restoring device can tell the account's real roster from one a relay made
    /// with the (public) account keys (Protocol/crypto.md, "Roster", [CRY-20]).
    public let check: [UInt8]

    /// Domain labels of the two seed derivations.
    public struct Labels: Sendable {
        /// BLAKE2b personalisation-by-input of the Ed25519 seed.
        public let signing: String
        /// ... and of the X25519 seed.
        public let box: String
        /// ... and of the roster check value.
        public let check: String

        /// Labels for keys derived from the recovery key.
        public static let recovery = Labels(signing: "twofold/recovery/ed25519/v1", box: "twofold/recovery/x25519/v1",
                                            check: "twofold/recovery/check/v1")
        /// Labels for keys derived from the account passphrase.
        public static let passphrase = Labels(signing: "twofold/passphrase/ed25519/v1", box: "twofold/passphrase/x25519/v1",
                                              check: "twofold/passphrase/check/v1")
    }

    /// `seed = crypto_generichash(32, label, key = master)` for each label, then the seeded
    /// key pair functions.
    public init(master: SecureBytes, labels: Labels) {
        let signSeed = BLAKE2b.deriveSecret(Array(labels.signing.utf8), key: master, outputLength: 32)
        let boxSeed = BLAKE2b.deriveSecret(Array(labels.box.utf8), key: master, outputLength: 32)
        signing = Ed25519KeyPair.fromSeed(signSeed)
        box = X25519KeyPair.fromSeed(boxSeed)
        check = BLAKE2b.deriveSecret(Array(labels.check.utf8), key: master, outputLength: 32).copyBytes()
    }

    /// The public halves, as the relay and the roster keep them.
    public var publicKeys: AccountPublicKeys {
        AccountPublicKeys(signingKey: signing.publicKey, boxKey: box.publicKey)
    }
}

/// The public halves of an ``AccountKeyPairs``.
public struct AccountPublicKeys: Hashable, Sendable {
    /// Ed25519 public key (32 bytes).
    public var signingKey: [UInt8]
    /// X25519 public key (32 bytes).
    public var boxKey: [UInt8]

    /// Creates a pair of public keys.
    public init(signingKey: [UInt8], boxKey: [UInt8]) {
        self.signingKey = signingKey
        self.boxKey = boxKey
    }
}

extension RecoveryKey {
    /// The key pairs derived from this recovery key.
    public var keyPairs: AccountKeyPairs { AccountKeyPairs(master: secret, labels: .recovery) }
}
