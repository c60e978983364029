import CSodium

/// Argon2id password hashing (libsodium `crypto_pwhash` with `ALG_ARGON2ID13`).
///
/// DESIGN.md requires at least libsodium's MODERATE cost for every passphrase.
public enum Argon2id {
    /// Salt length: 16 bytes.
    public static var saltLength: Int { Int(crypto_pwhash_saltbytes()) }

    /// A cost setting: iterations and memory in bytes.
    public struct Cost: Sendable, Hashable, Codable {
        /// Number of passes (`opslimit`).
        public var opsLimit: UInt64
        /// Memory in bytes (`memlimit`).
        public var memLimit: UInt64

        /// Creates a cost setting.
        public init(opsLimit: UInt64, memLimit: UInt64) {
            self.opsLimit = opsLimit
            self.memLimit = memLimit
        }

        /// libsodium MODERATE: 3 passes, 256 MiB. Twofold's default and minimum.
        public static var moderate: Cost {
            Cost(opsLimit: UInt64(crypto_pwhash_opslimit_moderate()),
                 memLimit: UInt64(crypto_pwhash_memlimit_moderate()))
        }

        /// libsodium SENSITIVE: 4 passes, 1 GiB.
        public static var sensitive: Cost {
            Cost(opsLimit: UInt64(crypto_pwhash_opslimit_sensitive()),
                 memLimit: UInt64(crypto_pwhash_memlimit_sensitive()))
        }

        /// True when this cost is at least MODERATE in both passes and memory.
        public var meetsMinimum: Bool {
            opsLimit >= Cost.moderate.opsLimit && memLimit >= Cost.moderate.memLimit
        }

        /// True when the cost is within what a reader should ever attempt (a hostile
        /// store or relay could otherwise ask for terabytes): at most SENSITIVE × 4.
        public var isSane: Bool {
            opsLimit <= Cost.sensitive.opsLimit * 4 && memLimit <= Cost.sensitive.memLimit * 4
                && opsLimit >= UInt64(crypto_pwhash_opslimit_min())
                && memLimit >= UInt64(crypto_pwhash_memlimit_min())
        }
    }

    /// Derives `length` bytes from `passphrase` and `salt` at `cost`.
    public static func deriveKey(
        length: Int = 32, passphrase: String, salt: [UInt8], cost: Cost
    ) throws(CryptoError) -> SecureBytes {
        Sodium.ensureInitialized()
        guard salt.count == saltLength else {
            throw .invalidLength(what: "Argon2id salt", expected: saltLength, actual: salt.count)
        }
        guard cost.isSane else { throw .keyDerivationFailed }
        let length8 = UInt64(passphrase.utf8.count)
        var rc: Int32 = -1
        let key = SecureBytes(count: length) { out in
            // A Swift String bridges to a NUL-terminated `const char *`; the length
            // passed is the UTF-8 byte count, so an embedded NUL is hashed too.
            rc = crypto_pwhash(
                out, UInt64(length), passphrase, length8, salt,
                cost.opsLimit, Int(cost.memLimit), crypto_pwhash_alg_argon2id13())
        }
        guard rc == 0 else { throw .keyDerivationFailed }
        return key
    }
}
