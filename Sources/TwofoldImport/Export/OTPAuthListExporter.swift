import TwofoldOTP

/// How an `otpauth` export writes a Steam token; apps disagree on the form.
public enum SteamURIForm: String, Sendable, CaseIterable {
    /// `otpauth://steam/…&digits=5`: what Aegis, 2FAS and Ente write and read, and
    /// Twofold's own form (the default).
    case type
    /// `otpauth://totp/…&digits=5&encoder=steam`: what KeePassXC writes and reads
    /// (it reads the `steam` type as a 5-digit TOTP and shows wrong codes).
    case encoder
}

/// Text, one `otpauth://` Key URI per line, as TwofoldOTP formats them (Key URI format).
///
/// No comment lines: several apps' text importers do not skip them. Tags and notes have
/// no Key URI parameter and are not written.
enum OTPAuthListExporter {
    static func write(_ tokens: [OTPToken], steam: SteamURIForm = .type) -> String {
        tokens.map { uri(for: $0, steam: steam) + "\n" }.joined()
    }

    /// One token's URI; a Steam token in the chosen form. Twofold reads both forms back.
    static func uri(for token: OTPToken, steam: SteamURIForm) -> String {
        guard token.kind == .steam, steam == .encoder else { return KeyURI.format(token) }
        var totp = token
        totp.kind = .totp
        // digits=5 stays: KeePassXC takes Steam's five characters from it.
        return KeyURI.format(totp) + "&encoder=steam"
    }
}
