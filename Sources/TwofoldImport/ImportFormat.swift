/// The file formats Twofold imports, named as the CLI's `--format` takes them.
public enum ImportFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// Text, one `otpauth://` Key URI per line; blank lines and `#` comments allowed.
    case otpauth
    /// Google Authenticator's `otpauth-migration://offline?data=…` URIs, one per line.
    case google
    /// Aegis vault JSON, plain or password-encrypted.
    case aegis
    /// andOTP JSON, plain or encrypted (both the PBKDF2 and the older SHA-256 formats).
    case andotp
    /// 2FAS `.2fas` backup, schemas 1–4, plain or encrypted.
    case twofas = "2fas"
    /// Bitwarden unencrypted export, JSON or CSV (`login_totp`).
    case bitwarden
    /// FreeOTP+ JSON backup.
    case freeotpPlus = "freeotp-plus"
    /// Ente Auth plain text export (otpauth URIs with a `codeDisplay` parameter).
    case ente
    /// Proton Authenticator JSON export.
    case proton
    /// Authenticator Pro (Stratum) plain JSON backup.
    case authenticatorPro = "authenticator-pro"
    /// Steam mobile authenticator / Steam Desktop Authenticator JSON (`shared_secret`).
    case steam
    /// KeePass 2 XML (`keepassxc-cli export --format xml`, KeePass "KeePass XML (2.x)").
    case keepassXML = "keepass-xml"
    /// KeePass KDBX 4 database (KeePassXC, KeePass 2), opened with its password.
    case kdbx
    /// KeePassXC / KeePass 2 export: the CSV of `keepassxc-cli export --format csv`
    /// (the `TOTP` or `otp` column, or `TOTP Seed` / `TOTP Settings`).
    case keepass

    /// The app's name as people know it, for messages.
    public var displayName: String {
        switch self {
        case .otpauth: return "otpauth URI list"
        case .google: return "Google Authenticator"
        case .aegis: return "Aegis"
        case .andotp: return "andOTP"
        case .twofas: return "2FAS"
        case .bitwarden: return "Bitwarden"
        case .freeotpPlus: return "FreeOTP+"
        case .ente: return "Ente Auth"
        case .proton: return "Proton Authenticator"
        case .authenticatorPro: return "Authenticator Pro"
        case .steam: return "Steam authenticator"
        case .keepassXML: return "KeePass XML"
        case .kdbx: return "KeePass KDBX"
        case .keepass: return "KeePassXC / KeePass"
        }
    }
}
