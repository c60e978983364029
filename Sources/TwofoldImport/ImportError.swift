/// Everything that can stop a whole import or export.
///
/// A problem with one entry of a file is not an `ImportError`: it becomes an
/// ``ImportFailure`` in ``ImportResult/failures`` so that a caller can list every failing
/// entry at once. These cases are the file-level failure classes a caller must tell
/// apart (ask for a password, ask for another one, suggest another format, refuse).
/// Each message says, in one line, what is wrong and what to do (DESIGN.md, "Errors").
public enum ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is larger than ``ImportLimits/maxFileBytes``; nothing was parsed.
    case tooLarge(bytes: Int, limit: Int)
    /// The file's format could not be recognised from its contents.
    case unrecognizedFormat
    /// The file is not what its format requires (not JSON, a field of the wrong type,
    /// a truncated ciphertext…); `reason` says what.
    case malformed(ImportFormat, reason: String)
    /// The file holds more entries than ``ImportLimits/maxEntries``.
    case tooManyEntries(limit: Int)
    /// JSON nested deeper than ``ImportLimits/maxJSONDepth``: no real export does that.
    case nestingTooDeep(limit: Int)
    /// The file declares a format version this build does not know.
    case unsupportedVersion(ImportFormat, version: String)
    /// The file is encrypted and no password was given.
    case passwordRequired(ImportFormat)
    /// The password does not open the file (or the file was altered: authenticated
    /// encryption cannot tell the two apart).
    case wrongPassword(ImportFormat)
    /// The file's key-derivation parameters ask for more memory or time than
    /// ``ImportLimits`` allows; `detail` names the parameter.
    case keyDerivationTooCostly(ImportFormat, detail: String)
    /// The file uses an encryption scheme Twofold cannot open; `detail` says which and
    /// how to export it in a form Twofold reads.
    case unsupportedEncryption(ImportFormat, detail: String)
    /// Export: some tokens cannot be written in the chosen format. Nothing was written;
    /// pass `allowOmissions: true` to write the others.
    case exportOmissions([ExportOmission])
    /// Export: a password was given for a format that cannot be encrypted.
    case exportEncryptionUnsupported(ExportFormat)
    /// Export: the random number generator or cipher failed.
    case exportFailed(reason: String)

    /// The import format the error is about, when it names one (for `import --json`).
    public var format: ImportFormat? {
        switch self {
        case .malformed(let format, _), .unsupportedVersion(let format, _), .passwordRequired(let format),
            .wrongPassword(let format), .keyDerivationTooCostly(let format, _), .unsupportedEncryption(let format, _):
            return format
        case .tooLarge, .unrecognizedFormat, .tooManyEntries, .nestingTooDeep, .exportOmissions,
            .exportEncryptionUnsupported, .exportFailed:
            return nil
        }
    }

    /// One line: what is wrong and what to do.
    public var description: String {
        switch self {
        case .tooLarge(let bytes, let limit):
            return "the file is \(bytes) bytes, more than the \(limit)-byte limit: this is not an authenticator export; check the file"
        case .unrecognizedFormat:
            let names = ImportFormat.allCases.map(\.rawValue).joined(separator: ", ")
            return "the file's format is not recognised: give its format explicitly (one of \(names))"
        case .malformed(let format, let reason):
            return "the \(format.displayName) file is malformed (\(reason)): export it again, or check the format"
        case .tooManyEntries(let limit):
            return "the file holds more than \(limit) entries: split it into smaller exports"
        case .nestingTooDeep(let limit):
            return "the file's JSON is nested more than \(limit) levels deep: this is not an authenticator export"
        case .unsupportedVersion(let format, let version):
            return "\(format.displayName) version \(version) is not supported: export from an older app version or update Twofold"
        case .passwordRequired(let format):
            return "the \(format.displayName) file is encrypted: give its password"
        case .wrongPassword(let format):
            return "the password does not open the \(format.displayName) file (or the file is damaged): check the password"
        case .keyDerivationTooCostly(let format, let detail):
            return "the \(format.displayName) file asks for a key derivation beyond Twofold's limits (\(detail)): re-export it with the app's default settings"
        case .unsupportedEncryption(let format, let detail):
            return "Twofold cannot open this encrypted \(format.displayName) file: \(detail)"
        case .exportOmissions(let omissions):
            let first = omissions.first.map { ": \($0)" } ?? ""
            return "\(omissions.count) token(s) cannot be exported in this format\(first); choose another format or allow skipping them"
        case .exportEncryptionUnsupported(let format):
            return "the \(format.rawValue) export format cannot be encrypted: drop the password or export to aegis"
        case .exportFailed(let reason):
            return "the export failed (\(reason)): try again"
        }
    }
}
