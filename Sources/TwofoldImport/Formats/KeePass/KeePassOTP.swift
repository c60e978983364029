import Foundation
import TwofoldOTP

/// How KeePassXC and KeePass 2 store a TOTP on an entry, shared by the CSV, XML and KDBX
/// readers.
///
/// KeePassXC (`src/totp/totp.cpp`, `Totp::parseSettings`) reads, in this order:
///
/// 1. the `otp` attribute (the CSV's `TOTP` column), which holds either an
///    `otpauth://` Key URI, where `encoder=steam` marks a Steam token, or the KeeOtp
///    plugin's query form `key=SECRET&size=6&step=30&otpHashMode=SHA256`;
/// 2. else the older `TOTP Seed` (Base32 secret) with `TOTP Settings`, which is
///    `PERIOD;DIGITS` or `PERIOD;S` for Steam (missing parts take 30 s and 6 digits).
///
/// An entry with neither is not a token (a password entry): ``token(otp:seed:settings:title:username:)``
/// returns nil and the caller counts it as skipped.
///
/// The Key URI is read by Twofold's own parser, with the rules every other import uses;
/// where it has no issuer or no account, the entry's title and username stand in, the
/// way KeePassXC itself labels the token.
enum KeePassOTP {
    /// The entry's token, or nil when it has no TOTP.
    ///
    /// - Parameters:
    ///   - otp: the `otp` attribute (CSV `TOTP` column), if any.
    ///   - seed: the legacy `TOTP Seed` attribute, if any.
    ///   - settings: the legacy `TOTP Settings` attribute, if any.
    ///   - title: the entry's title, the issuer when the TOTP names none.
    ///   - username: the entry's user name, the account when the TOTP names none.
    /// - Throws: ``EntryError`` naming the field at fault.
    static func token(otp: String?, seed: String?, settings: String?, title: String, username: String)
        throws(EntryError) -> OTPToken?
    {
        let otpText = (otp ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !otpText.isEmpty {
            if otpText.lowercased().hasPrefix("otpauth://") {
                return try fromKeyURI(otpText, title: title, username: username)
            }
            if let keeOtp = try fromKeeOtp(otpText, title: title, username: username) { return keeOtp }
            throw .invalid("otp", "is neither an otpauth:// URI nor KeeOtp's key=… form")
        }
        let seedText = (seed ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !seedText.isEmpty else { return nil }
        // KeePassXC accepts a whole otpauth URI in the seed field too.
        if seedText.lowercased().hasPrefix("otpauth://") {
            return try fromKeyURI(seedText, title: title, username: username)
        }
        var draft = TokenDraft(
            kind: .totp, secret: try TokenDraft.secret(base32: seedText, field: "TOTP Seed"),
            issuer: title, account: username)
        try applyLegacy(settings ?? "", to: &draft)
        return draft.build()
    }

    /// An `otpauth://` URI; `encoder=steam` is handled by the Key URI parser.
    static func fromKeyURI(_ text: String, title: String, username: String) throws(EntryError) -> OTPToken {
        var token: OTPToken
        do {
            token = try KeyURI.parse(text)
        } catch {
            throw EntryError("field 'otp': \(error.description)")
        }
        if token.issuer.isEmpty { token.issuer = title }
        if token.account.isEmpty { token.account = username }
        return token
    }

    /// KeeOtp's `key=…&size=…&step=…&otpHashMode=…`, or nil when there is no `key`.
    static func fromKeeOtp(_ text: String, title: String, username: String) throws(EntryError) -> OTPToken? {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).lowercased()
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            if let earlier = fields[name], earlier != value {
                throw .invalid("otp", "gives '\(name)' twice with different values")
            }
            fields[name] = value
        }
        guard let key = fields["key"] else { return nil }
        var draft = TokenDraft(
            kind: .totp, secret: try TokenDraft.secret(base32: key, field: "otp"), issuer: title, account: username)
        if let size = fields["size"] { draft.digits = try number(size, field: "otp", name: "size") }
        if let step = fields["step"] { draft.period = try number(step, field: "otp", name: "step") }
        if let mode = fields["otphashmode"] { draft.algorithm = try TokenDraft.algorithm(named: mode, field: "otp") }
        if fields["type"].map({ $0.lowercased() != "totp" }) == true {
            throw .unsupported("KeeOtp's token type '\(fields["type"] ?? "")'")
        }
        return draft.build()
    }

    /// `TOTP Settings`: `PERIOD;DIGITS` or `PERIOD;S` (Steam). Empty parts keep the defaults.
    static func applyLegacy(_ settings: String, to draft: inout TokenDraft) throws(EntryError) {
        let parts = settings.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: ";", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        // KeePassXC reads two parts; a third (an algorithm some tools add) would be ignored
        // there and give wrong codes here, so it is refused rather than dropped.
        guard parts.count <= 2 else {
            throw .invalid("TOTP Settings", "should be 'PERIOD;DIGITS' or 'PERIOD;S', found \(parts.count) parts")
        }
        if let period = parts.first, !period.isEmpty {
            draft.period = try number(period, field: "TOTP Settings", name: "period")
        }
        if parts.count >= 2, !parts[1].isEmpty {
            if parts[1] == "S" {
                // The period stays: anything but 30 s is refused by validation, not dropped.
                draft.kind = .steam
            } else {
                draft.digits = try number(parts[1], field: "TOTP Settings", name: "digits")
            }
        }
    }

    /// A small unsigned decimal, refused when it is anything else.
    static func number(_ text: String, field: String, name: String) throws(EntryError) -> Int {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text) else {
            throw .invalid(field, "has \(name) '\(String(text.prefix(20)))', not a number")
        }
        return value
    }
}
