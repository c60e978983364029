import CSodium

/// ISO/IEC 7816-4 padding (libsodium `sodium_pad` / `sodium_unpad`), so that ciphertext
/// lengths reveal only a size bucket (Protocol/crypto.md, "Padding").
public enum Padding {
    /// Pads `data` to a multiple of `blockSize` (always adds at least one byte).
    public static func pad(_ data: [UInt8], blockSize: Int) -> [UInt8] {
        precondition(blockSize > 0)
        Sodium.ensureInitialized()
        let capacity = (data.count / blockSize + 1) * blockSize
        var buffer = data + [UInt8](repeating: 0, count: capacity - data.count)
        var paddedLength = 0
        let rc = sodium_pad(&paddedLength, &buffer, data.count, blockSize, capacity)
        precondition(rc == 0 && paddedLength == capacity)
        return buffer
    }

    /// Removes padding added by ``pad(_:blockSize:)``.
    public static func unpad(_ data: [UInt8], blockSize: Int) throws(CryptoError) -> [UInt8] {
        guard blockSize > 0, !data.isEmpty, data.count % blockSize == 0 else { throw .invalidPadding }
        Sodium.ensureInitialized()
        var unpaddedLength = 0
        let rc = sodium_unpad(&unpaddedLength, data, data.count, blockSize)
        guard rc == 0 else { throw .invalidPadding }
        return Array(data[0..<unpaddedLength])
    }
}
