import CSodium

extension SealedBox {
    /// Seals like `crypto_box_seal`, but with the ephemeral key pair derived from
    /// `ephemeralSeed` instead of fresh randomness, so test vectors can be rebuilt
    /// byte for byte (Protocol/vectors/README.md).
    ///
    /// The construction is libsodium's: `epk || crypto_box_easy(m, nonce, pk, esk)` with
    /// `nonce = BLAKE2b-192(epk || pk)`; `crypto_box_seal_open` opens the result. Reusing
    /// a seed reuses the ephemeral key, which breaks the box's security: never call this
    /// outside the vector generator and tests (hence the SPI).
    @_spi(TestVectors)
    public static func seal(
        _ message: [UInt8], to publicKey: [UInt8], ephemeralSeed: [UInt8]
    ) throws(CryptoError) -> [UInt8] {
        Sodium.ensureInitialized()
        guard publicKey.count == X25519KeyPair.publicKeyLength else {
            throw .invalidLength(what: "X25519 public key", expected: 32, actual: publicKey.count)
        }
        guard ephemeralSeed.count == Int(crypto_box_seedbytes()) else {
            throw .invalidLength(what: "ephemeral seed", expected: 32, actual: ephemeralSeed.count)
        }
        let ephemeral = X25519KeyPair.fromSeed(SecureBytes(ephemeralSeed))
        var nonce = [UInt8](repeating: 0, count: Int(crypto_box_noncebytes()))
        let input = ephemeral.publicKey + publicKey
        _ = crypto_generichash(&nonce, nonce.count, input, UInt64(input.count), nil, 0)
        var boxed = [UInt8](repeating: 0, count: message.count + Int(crypto_box_macbytes()))
        let rc = crypto_box_easy(
            &boxed, message, UInt64(message.count), nonce, publicKey, ephemeral.secretKey.typedPointer)
        guard rc == 0 else { throw .authenticationFailed }
        return ephemeral.publicKey + boxed
    }
}
