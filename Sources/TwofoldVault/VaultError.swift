/// The failures of the local vault that a caller must tell apart.
///
/// Each message is one line saying what is wrong and what to do (README, "Errors").
/// None of them carries a secret.
public enum VaultError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No vault in this home.
    case notInitialized(home: String)
    /// `init` in a home that already holds a vault.
    case alreadyInitialized(home: String)
    /// The passphrase did not unwrap the vault key.
    case wrongPassphrase
    /// An empty passphrase was given where one is required.
    case emptyPassphrase
    /// The key file of a `--no-passphrase` vault is missing or unreadable.
    case keyFileMissing(path: String)
    /// The key file exists but is not a Twofold key file or does not open the vault.
    case keyFileInvalid(path: String)
    /// The store was written by a newer Twofold.
    case newerFormat
    /// The home directory or a file in it is readable by others.
    case insecurePermissions(path: String)
    /// A token with the same secret and parameters already exists.
    case duplicate(label: String, id: String)
    /// No token matches a query.
    case noMatch(query: String)
    /// Several tokens match a query.
    case ambiguous(query: String, candidates: [String])
    /// A token is invalid (range or format).
    case invalidToken(String)
    /// A stored record failed authentication or did not decode: it is never used.
    case corruptRecord(id: String, reason: String)
    /// SQLite or the file system failed.
    case storage(String)
    /// The operation needs a passphrase-protected vault, or the other way round.
    case wrongProtection(String)

    public var description: String {
        switch self {
        case .notInitialized(let home):
            return "no vault in \(home): run 'twofold init' first, or pass --home"
        case .alreadyInitialized(let home):
            return "a vault already exists in \(home): use it, or choose another --home"
        case .wrongPassphrase:
            return "the passphrase is wrong: try again (nothing was changed)"
        case .emptyPassphrase:
            return "the passphrase is empty: type one, or create the vault with --no-passphrase"
        case .keyFileMissing(let path):
            return "the vault's key file \(path) is missing: restore it from a backup (nothing was changed)"
        case .keyFileInvalid(let path):
            return "the key file \(path) does not open this vault: restore the right file from a backup"
        case .newerFormat:
            return "this vault was written by a newer Twofold: upgrade Twofold to open it"
        case .insecurePermissions(let path):
            return "\(path) is accessible by other users: run 'chmod go= \(path)'"
        case .duplicate(let label, let id):
            return "a token with this secret already exists (\(label), id \(id)): nothing was added"
        case .noMatch(let query):
            return "no token matches '\(query)': run 'twofold list' to see them"
        case .ambiguous(let query, let candidates):
            let shown = candidates.prefix(5).joined(separator: ", ")
            let more = candidates.count > 5 ? " and \(candidates.count - 5) more" : ""
            return "'\(query)' matches \(candidates.count) tokens (\(shown)\(more)): be more specific or give the id"
        case .invalidToken(let why):
            return why
        case .corruptRecord(let id, let reason):
            return "record \(id) is damaged (\(reason)); it was not used: restore from a snapshot or another device"
        case .storage(let why):
            return "the vault database failed (\(why)): check disk space and permissions; nothing was half-written"
        case .wrongProtection(let why):
            return why
        }
    }
}
