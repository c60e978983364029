import Foundation
import TwofoldOTP

/// Reads other authenticator apps' export files.
///
/// The one entry point for callers (the CLI): hand it the file's bytes, the format if
/// the person named one, and the password if they gave one.
public struct Importer: Sendable {
    /// Reads every token from `data`.
    ///
    /// - Parameters:
    ///   - data: the whole file. Files over ``ImportLimits/maxFileBytes`` are refused
    ///     before anything is parsed.
    ///   - format: the file's format, or nil to detect it (``ImportFormat/detect(_:)``).
    ///   - password: the password of an encrypted file; ignored for plain files.
    /// - Returns: the tokens and every entry that could not be read. An entry-level
    ///   problem never throws, so the caller can list all of them and decide.
    /// - Throws: ``ImportError`` for file-level problems: unrecognised or malformed
    ///   file, unsupported version, ``ImportError/passwordRequired(_:)`` for an
    ///   encrypted file without a password, ``ImportError/wrongPassword(_:)``, limits.
    public static func read(
        _ data: Data, format: ImportFormat? = nil, password: String? = nil
    ) throws(ImportError) -> ImportResult {
        guard data.count <= ImportLimits.maxFileBytes else {
            throw .tooLarge(bytes: data.count, limit: ImportLimits.maxFileBytes)
        }
        if format == nil {
            guard let (detected, json) = ImportFormat.sniff(data) else { throw .unrecognizedFormat }
            if let json { return try read(json, of: data, format: detected, password: password) }
            return try read(data, format: detected, password: password)
        }
        guard let format else { throw .unrecognizedFormat }
        switch format {
        case .otpauth: return try OTPAuthListFormat.read(data)
        case .google: return try GoogleMigrationFormat.read(data)
        case .aegis: return try AegisFormat.read(data, password: password)
        case .andotp: return try AndOTPFormat.read(data, password: password)
        case .twofas: return try TwoFASFormat.read(data, password: password)
        case .bitwarden: return try BitwardenFormat.read(data)
        case .freeotpPlus: return try FreeOTPPlusFormat.read(data)
        case .ente: return try EnteFormat.read(data)
        case .proton: return try ProtonFormat.read(data)
        case .authenticatorPro: return try AuthenticatorProFormat.read(data)
        case .steam: return try SteamFormat.read(data)
        case .keepassXML: return try KeePassXMLFormat.read(data)
        case .kdbx: return try KDBXFormat.read(data, password: password)
        case .keepass: return try KeePassCSVFormat.read(data)
        }
    }

    /// Reads a JSON format from the value detection already parsed out of `data`.
    static func read(
        _ json: JSONValue, of data: Data, format: ImportFormat, password: String?
    ) throws(ImportError) -> ImportResult {
        switch format {
        case .aegis: return try AegisFormat.read(json, password: password)
        case .andotp: return try AndOTPFormat.read(json)
        case .twofas: return try TwoFASFormat.read(json, password: password)
        case .bitwarden: return try BitwardenFormat.readJSON(json)
        case .freeotpPlus: return try FreeOTPPlusFormat.read(json)
        case .proton: return try ProtonFormat.read(json)
        case .authenticatorPro: return try AuthenticatorProFormat.read(json)
        case .steam: return try SteamFormat.read(json)
        case .otpauth, .google, .ente, .keepassXML, .kdbx, .keepass:
            return try read(data, format: format, password: password)
        }
    }
}
