import CSodium

/// Initialises libsodium exactly once per process.
///
/// Every public entry point of this module calls ``Sodium/ensureInitialized()`` first;
/// `sodium_init` is thread-safe and idempotent, the static only avoids repeated calls.
enum Sodium {
    private static let initialized: Bool = sodium_init() >= 0

    /// Initialises libsodium; traps if the library cannot start (no entropy source),
    /// because no cryptography in this process would then be safe.
    static func ensureInitialized() {
        precondition(initialized, "libsodium failed to initialise (no entropy source?)")
    }
}
