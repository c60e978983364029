import TwofoldOTP

/// Text, one `otpauth://` Key URI per line, as TwofoldOTP formats them (Key URI format).
///
/// No comment lines: several apps' text importers do not skip them. Tags and notes have
/// no Key URI parameter and are not written.
enum OTPAuthListExporter {
    static func write(_ tokens: [OTPToken]) -> String {
        tokens.map { KeyURI.format($0) + "\n" }.joined()
    }
}
