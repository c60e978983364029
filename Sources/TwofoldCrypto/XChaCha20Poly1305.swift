import CSodium

/// XChaCha20-Poly1305-IETF authenticated encryption with associated data
/// (libsodium `crypto_aead_xchacha20poly1305_ietf_*`). 24-byte random nonces are safe.
public enum XChaCha20Poly1305 {
    /// Key length: 32 bytes.
    public static var keyLength: Int { Int(crypto_aead_xchacha20poly1305_ietf_keybytes()) }
    /// Nonce length: 24 bytes.
    public static var nonceLength: Int { Int(crypto_aead_xchacha20poly1305_ietf_npubbytes()) }
    /// Authentication tag length: 16 bytes.
    public static var tagLength: Int { Int(crypto_aead_xchacha20poly1305_ietf_abytes()) }

    /// Encrypts `plaintext` under `key` with `nonce`, authenticating `associatedData`.
    /// Returns ciphertext followed by the 16-byte tag.
    public static func seal(
        _ plaintext: [UInt8], associatedData: [UInt8], nonce: [UInt8], key: SecureBytes
    ) throws(CryptoError) -> [UInt8] {
        try checkLengths(nonce: nonce, key: key)
        var out = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        var outLength: UInt64 = 0
        _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
            &out, &outLength, plaintext, UInt64(plaintext.count),
            associatedData, UInt64(associatedData.count), nil, nonce, key.typedPointer)
        return out
    }

    /// Decrypts and authenticates; throws ``CryptoError/authenticationFailed`` when the
    /// key, nonce, associated data or ciphertext is not the one that was sealed.
    public static func open(
        _ ciphertext: [UInt8], associatedData: [UInt8], nonce: [UInt8], key: SecureBytes
    ) throws(CryptoError) -> [UInt8] {
        try checkLengths(nonce: nonce, key: key)
        guard ciphertext.count >= tagLength else { throw .authenticationFailed }
        var out = [UInt8](repeating: 0, count: ciphertext.count - tagLength)
        var outLength: UInt64 = 0
        let rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
            &out, &outLength, nil, ciphertext, UInt64(ciphertext.count),
            associatedData, UInt64(associatedData.count), nonce, key.typedPointer)
        guard rc == 0 else { throw .authenticationFailed }
        return out
    }

    private static func checkLengths(nonce: [UInt8], key: SecureBytes) throws(CryptoError) {
        Sodium.ensureInitialized()
        guard nonce.count == nonceLength else {
            throw .invalidLength(what: "nonce", expected: nonceLength, actual: nonce.count)
        }
        guard key.count == keyLength else {
            throw .invalidLength(what: "key", expected: keyLength, actual: key.count)
        }
    }
}
