import Foundation
import TwofoldOTP

/// Writes tokens in other apps' formats, so that nobody is locked in.
///
/// The one entry point for callers. Exporters return bytes; the caller writes the file.
public struct Exporter: Sendable {
    /// Writes `tokens` in `format`.
    ///
    /// - Parameters:
    ///   - tokens: the tokens, in the order they should appear.
    ///   - format: the target format.
    ///   - password: for ``ExportFormat/aegis``, encrypts the vault with this password
    ///     (nil writes a plain vault). Any other format refuses a password rather than
    ///     write plaintext the person believed was encrypted.
    ///   - allowOmissions: tokens the format cannot represent (invalid tokens; for
    ///     Google: Steam, digits other than 6 or 8, periods other than 30 s; for Aegis
    ///     and Google: HOTP counters above 2^63 − 1) make the
    ///     export throw ``ImportError/exportOmissions(_:)`` listing all of them, unless
    ///     this is true, in which case the others are written and the left-out ones are
    ///     listed in ``ExportResult/omitted``. A token is never left out silently.
    ///   - steam: for ``ExportFormat/otpauth``, the form of Steam URIs (``SteamURIForm``).
    public static func write(
        _ tokens: [OTPToken], format: ExportFormat, password: String? = nil, allowOmissions: Bool = false,
        steam: SteamURIForm = .type
    ) throws(ImportError) -> ExportResult {
        if password != nil && format != .aegis {
            throw .exportEncryptionUnsupported(format)
        }
        var included: [OTPToken] = []
        var omitted: [ExportOmission] = []
        for (index, token) in tokens.enumerated() {
            if let reason = unrepresentable(token, in: format) {
                omitted.append(ExportOmission(index: index, label: token.label, reason: reason))
            } else {
                included.append(token)
            }
        }
        if !omitted.isEmpty && !allowOmissions {
            throw .exportOmissions(omitted)
        }
        let text: String
        switch format {
        case .otpauth: text = OTPAuthListExporter.write(included, steam: steam)
        case .aegis: text = try AegisExporter.write(included, password: password)
        case .google: text = try GoogleMigrationExporter.write(included)
        }
        return ExportResult(data: Data(text.utf8), exportedCount: included.count, omitted: omitted)
    }

    /// Why `format` cannot carry `token`, or nil when it can.
    static func unrepresentable(_ token: OTPToken, in format: ExportFormat) -> String? {
        do {
            try token.validate()
        } catch {
            return "the token is not valid: \(error.description)"
        }
        switch format {
        case .otpauth:
            return nil
        case .aegis:
            // Aegis keeps HOTP counters in a Java `long`.
            return token.kind == .hotp && token.counter > UInt64(Int64.max)
                ? "the HOTP counter is too large for Aegis (at most 2^63-1)" : nil
        case .google:
            return GoogleMigrationExporter.unrepresentable(token)
        }
    }
}
