import Foundation

/// The formats Twofold exports to, named as the CLI's `--format` takes them.
public enum ExportFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// Text, one `otpauth://` Key URI per line. Read by nearly every app; tags and notes
    /// are not carried. Never encrypted.
    case otpauth
    /// An Aegis vault (content version 3): plain, or encrypted with a password slot
    /// exactly as Aegis writes it. Carries everything: tags become Aegis groups.
    case aegis
    /// Google Authenticator `otpauth-migration://` URIs, 10 tokens per URI (one QR code
    /// each). Carries only what Google can represent (see ``Exporter``); never encrypted.
    case google
}

/// One token that an export left out, and why.
public struct ExportOmission: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Position of the token in the array given to ``Exporter/write(_:format:password:allowOmissions:)``.
    public var index: Int
    /// The token's "Issuer:account" label.
    public var label: String
    /// One line saying why the format cannot carry it.
    public var reason: String

    /// Creates an omission record.
    public init(index: Int, label: String, reason: String) {
        self.index = index
        self.label = label
        self.reason = reason
    }

    /// "GitHub:alice: Google Authenticator supports only 6 or 8 digits".
    public var description: String { "\(label.isEmpty ? "token \(index + 1)" : label): \(reason)" }
}

/// The bytes of an export, and every token it left out.
public struct ExportResult: Sendable, Hashable {
    /// The file's contents; the caller writes them (with mode 0600: they hold secrets).
    public var data: Data
    /// How many tokens the data holds.
    public var exportedCount: Int
    /// Tokens left out (only when the caller allowed omissions), in input order.
    public var omitted: [ExportOmission]

    /// Creates a result.
    public init(data: Data, exportedCount: Int, omitted: [ExportOmission] = []) {
        self.data = data
        self.exportedCount = exportedCount
        self.omitted = omitted
    }
}
