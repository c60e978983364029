import Crypto
import Foundation

/// AES-256-GCM with the nonce and tag carried separately, as Aegis, andOTP and 2FAS
/// store them. 96-bit nonces and 128-bit tags only (NIST SP 800-38D §5.2.1.1).
enum AESGCM {
    /// Decrypts and authenticates; nil when the key is wrong or the data was altered.
    static func open(
        ciphertext: [UInt8], nonce: [UInt8], tag: [UInt8], key: SymmetricKey
    ) -> [UInt8]? {
        guard nonce.count == 12, tag.count == 16,
            let gcmNonce = try? AES.GCM.Nonce(data: nonce),
            let box = try? AES.GCM.SealedBox(nonce: gcmNonce, ciphertext: ciphertext, tag: tag),
            let plain = try? AES.GCM.open(box, using: key)
        else { return nil }
        return [UInt8](plain)
    }

    /// Splits `combined` = ciphertext ‖ tag (the Java and WebCrypto layout) and opens it.
    static func open(combined: [UInt8], nonce: [UInt8], key: SymmetricKey) -> [UInt8]? {
        guard combined.count >= 16 else { return nil }
        return open(
            ciphertext: Array(combined.dropLast(16)), nonce: nonce,
            tag: Array(combined.suffix(16)), key: key)
    }

    /// Encrypts with a fresh random nonce; returns (ciphertext, nonce, tag).
    static func seal(_ plaintext: [UInt8], key: SymmetricKey) throws(ImportError) -> (
        ciphertext: [UInt8], nonce: [UInt8], tag: [UInt8]
    ) {
        do {
            let box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce())
            return ([UInt8](box.ciphertext), Array(box.nonce), [UInt8](box.tag))
        } catch {
            throw .exportFailed(reason: "AES-GCM encryption failed")
        }
    }

    /// `count` bytes from the system's secure random generator.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
