/// Hard limits applied to every file before and while it is read.
///
/// Import files come from elsewhere and may be hostile: a crafted file must not make
/// Twofold allocate gigabytes, run a key derivation for hours, or recurse off the stack.
/// Every limit is far above what any real export needs (noted per limit), and crossing
/// one is a clear ``ImportError``, never a crash or a silent truncation.
public enum ImportLimits {
    /// Largest file read at all: 64 MiB. Real exports are kilobytes; Aegis vaults with
    /// icons reach a few MiB.
    public static let maxFileBytes = 64 << 20
    /// Most entries in one file. People have tens, rarely hundreds, of tokens.
    public static let maxEntries = 10_000
    /// Deepest JSON nesting accepted. Real formats nest at most 6 levels; the limit keeps
    /// recursive parsing well inside the stack.
    public static let maxJSONDepth = 64
    /// Longest issuer, account name or tag, in characters.
    public static let maxLabelLength = 4_096
    /// Longest note, in characters.
    public static let maxNoteLength = 65_536
    /// Longest secret, in bytes. Real secrets are 10–64 bytes.
    public static let maxSecretBytes = 1_024

    /// Largest scrypt `N` accepted (Aegis writes 2^15).
    public static let maxScryptN = 1 << 20
    /// Largest scrypt `r` accepted (Aegis writes 8).
    public static let maxScryptR = 32
    /// Largest scrypt `p` accepted (Aegis writes 1).
    public static let maxScryptP = 16
    /// Most memory scrypt may use, `128·N·r` bytes: 256 MiB (Aegis needs 32 MiB).
    public static let maxScryptMemoryBytes = 256 << 20
    /// Most scrypt work, `N·r·p` (Aegis needs 2^18): 16 times Aegis's default.
    public static let maxScryptWork = 1 << 22
    /// Most PBKDF2 iterations (andOTP writes 140,000–160,000; 2FAS 10,000).
    public static let maxPBKDF2Iterations = 2_000_000
    /// Most password slots tried in one Aegis vault, each costing one scrypt run (Aegis
    /// writes one, two with a separate backup password).
    public static let maxPasswordSlots = 4
}
