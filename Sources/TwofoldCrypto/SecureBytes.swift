import CSodium

/// Secret bytes (keys, seeds) kept in libsodium guarded memory.
///
/// The buffer comes from `sodium_malloc`, so it is locked in RAM (not swapped), fenced by
/// guard pages, and wiped by `sodium_free` when the last reference goes away. Contents
/// never change after initialisation, which is why sharing across tasks is safe.
public final class SecureBytes: @unchecked Sendable {
    private let pointer: UnsafeMutableRawPointer
    /// Number of bytes held.
    public let count: Int

    /// Copies `bytes` into guarded memory. The caller should drop its own copy.
    public init(_ bytes: some Collection<UInt8>) {
        Sodium.ensureInitialized()
        count = bytes.count
        guard let p = sodium_malloc(max(count, 1)) else {
            fatalError("sodium_malloc failed: out of locked memory")
        }
        pointer = p
        let buffer = UnsafeMutableRawBufferPointer(start: pointer, count: count)
        _ = buffer.copyBytes(from: bytes)
    }

    /// Allocates `count` bytes and lets `fill` write them (used by KDFs and keypairs
    /// so the secret never exists outside guarded memory).
    ///
    /// `fill` cannot throw on purpose: once every stored property is set, a throwing
    /// initialiser still runs `deinit`, so freeing here as well would free twice.
    /// Callers record libsodium's result inside `fill` and throw after it returns.
    init(count: Int, fill: (UnsafeMutablePointer<UInt8>) -> Void) {
        Sodium.ensureInitialized()
        self.count = count
        guard let p = sodium_malloc(max(count, 1)) else {
            fatalError("sodium_malloc failed: out of locked memory")
        }
        pointer = p
        fill(p.assumingMemoryBound(to: UInt8.self))
    }

    /// `count` fresh random bytes from the system CSPRNG.
    public static func random(count: Int) -> SecureBytes {
        SecureBytes(count: count) { randombytes_buf($0, count) }
    }

    deinit { sodium_free(pointer) }

    /// Gives read access to the bytes without copying them out.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// A plain copy of the bytes, for writing them somewhere sealed. Avoid where possible:
    /// a Swift array cannot be wiped reliably.
    public func copyBytes() -> [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    var typedPointer: UnsafePointer<UInt8> {
        UnsafePointer(pointer.assumingMemoryBound(to: UInt8.self))
    }
}

extension SecureBytes: Equatable {
    /// Constant-time comparison.
    public static func == (lhs: SecureBytes, rhs: SecureBytes) -> Bool {
        lhs.count == rhs.count && sodium_memcmp(lhs.pointer, rhs.pointer, lhs.count) == 0
    }
}
