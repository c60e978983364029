import Crypto
import _CryptoExtras
import Foundation

/// Password-based key derivation with every cost parameter bounded by ``ImportLimits``.
///
/// Parameters read from a file are checked before any work: an attacker-made file must
/// not make us allocate gigabytes (scrypt `N·r`) or loop for hours (PBKDF2 iterations).
/// The primitives are swift-crypto's `_CryptoExtras` (BoringSSL's scrypt and PBKDF2).
enum KeyDerivation {
    /// scrypt (RFC 7914) of the password's UTF-8, after checking `n`, `r`, `p` and the
    /// memory and work they imply against the limits.
    static func scrypt(
        password: String, salt: [UInt8], n: Int, r: Int, p: Int, format: ImportFormat
    ) throws(ImportError) -> SymmetricKey {
        guard n >= 2, n & (n - 1) == 0 else {
            throw .malformed(format, reason: "scrypt N=\(n) is not a power of two")
        }
        guard r >= 1, p >= 1 else {
            throw .malformed(format, reason: "scrypt r=\(r), p=\(p) must be at least 1")
        }
        guard n <= ImportLimits.maxScryptN, r <= ImportLimits.maxScryptR, p <= ImportLimits.maxScryptP,
            128 * n * r <= ImportLimits.maxScryptMemoryBytes, n * r * p <= ImportLimits.maxScryptWork
        else {
            throw .keyDerivationTooCostly(
                format,
                detail: "scrypt N=\(n) r=\(r) p=\(p); the limits are N≤\(ImportLimits.maxScryptN), "
                    + "r≤\(ImportLimits.maxScryptR), p≤\(ImportLimits.maxScryptP), "
                    + "\(ImportLimits.maxScryptMemoryBytes >> 20) MiB")
        }
        try checkSalt(salt, format: format)
        do {
            return try KDF.Scrypt.deriveKey(
                from: passwordBytes(password), salt: salt, outputByteCount: 32,
                rounds: n, blockSize: r, parallelism: p)
        } catch {
            throw .malformed(format, reason: "scrypt failed with these parameters")
        }
    }

    /// PBKDF2 with HMAC-SHA1 or HMAC-SHA256 (RFC 8018 §5.2), after checking the
    /// iteration count against ``ImportLimits/maxPBKDF2Iterations``.
    static func pbkdf2(
        password: String, salt: [UInt8], iterations: Int, sha256: Bool, format: ImportFormat
    ) throws(ImportError) -> SymmetricKey {
        guard iterations >= 1 else {
            throw .malformed(format, reason: "PBKDF2 iteration count \(iterations) is not positive")
        }
        guard iterations <= ImportLimits.maxPBKDF2Iterations else {
            throw .keyDerivationTooCostly(
                format,
                detail: "PBKDF2 with \(iterations) iterations; the limit is \(ImportLimits.maxPBKDF2Iterations)")
        }
        try checkSalt(salt, format: format)
        do {
            return try KDF.Insecure.PBKDF2.deriveKey(
                from: passwordBytes(password), salt: salt,
                using: sha256 ? .sha256 : .insecureSHA1, outputByteCount: 32,
                unsafeUncheckedRounds: iterations)
        } catch {
            throw .malformed(format, reason: "PBKDF2 failed with these parameters")
        }
    }

    /// The password as the key of HMAC (both KDFs are HMAC-based).
    ///
    /// An empty password becomes one zero byte: HMAC pads keys shorter than a block
    /// with zeros (RFC 2104 §2), so the two are the same key, and BoringSSL's wrapper
    /// needs a non-empty buffer.
    private static func passwordBytes(_ password: String) -> [UInt8] {
        let bytes = Array(password.utf8)
        return bytes.isEmpty ? [0] : bytes
    }

    private static func checkSalt(_ salt: [UInt8], format: ImportFormat) throws(ImportError) {
        guard (1...1024).contains(salt.count) else {
            throw .malformed(format, reason: "the key-derivation salt is \(salt.count) bytes")
        }
    }
}
