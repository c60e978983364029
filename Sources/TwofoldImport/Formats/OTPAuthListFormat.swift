import Foundation
import TwofoldOTP

/// Plain text, one `otpauth://` Key URI per line (Key URI format, as written by most
/// apps' "export as text"). Blank lines and lines starting with `#` are skipped; every
/// other line is one entry, so a line that is not a valid URI is reported, not skipped.
enum OTPAuthListFormat {
    static func read(_ data: Data) throws(ImportError) -> ImportResult {
        let text = try TextInput.text(data, as: .otpauth)
        var collector = ImportCollector(format: .otpauth)
        for line in TextInput.meaningfulLines(text) {
            try collector.entry(line: line.number, label: uriLabel(line.text)) { () throws(EntryError) in
                if line.text.lowercased().hasPrefix("otpauth-migration:") {
                    throw EntryError("this is a Google Authenticator migration URI: import it with the google format")
                }
                return try parse(line.text)
            }
        }
        return collector.result
    }

    /// Parses one Key URI with TwofoldOTP's parser, as an entry error.
    static func parse(_ uri: String) throws(EntryError) -> OTPToken {
        do {
            return try KeyURI.parse(uri)
        } catch {
            throw .otp(error)
        }
    }

    /// The percent-decoded label of a Key URI ("Issuer:account"), best effort, for
    /// naming an entry whose URI does not parse.
    static func uriLabel(_ uri: String) -> String? {
        guard let schemeEnd = uri.range(of: "://") else { return nil }
        let afterScheme = uri[schemeEnd.upperBound...]
        guard let slash = afterScheme.firstIndex(of: "/") else { return nil }
        let path = afterScheme[afterScheme.index(after: slash)...].prefix { $0 != "?" }
        let label = String(path).removingPercentEncoding ?? String(path)
        return label.isEmpty ? nil : label
    }

    /// The value of query parameter `name` in `uri`, form-decoded (`+` is a space), or
    /// nil when absent or badly escaped. For the parameters TwofoldOTP ignores.
    static func queryValue(_ name: String, in uri: String) -> String? {
        guard let question = uri.firstIndex(of: "?") else { return nil }
        for pair in uri[uri.index(after: question)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name else { continue }
            return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }
}
