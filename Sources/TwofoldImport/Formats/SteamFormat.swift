import Foundation
import TwofoldOTP

/// Steam Guard secrets as the Steam mobile app's data files and Steam Desktop
/// Authenticator's `.maFile`s hold them: `shared_secret` in Base64, `account_name`.
///
/// Accepted shapes: one account object (a `.maFile`), or `{"accounts": {id: account}}`
/// (the app's file). Accounts are read in the order of their ids, since JSON objects
/// have none. The issuer is "Steam". Other secrets in the file (identity secret,
/// revocation code) are not tokens and are ignored.
enum SteamFormat {
    static func read(_ data: Data) throws(ImportError) -> ImportResult {
        try read(JSONReader.parse(data, as: .steam))
    }

    static func read(_ json: JSONValue) throws(ImportError) -> ImportResult {
        let accounts = try JSONFields.fileLevel(.steam) { () throws(EntryError) in
            let file = try JSONFields(json, name: "the file")
            if file.has("shared_secret") { return [json] }
            guard case .object(let byID) = file.value("accounts") ?? .null else {
                throw EntryError("neither 'shared_secret' nor an 'accounts' object is present")
            }
            return byID.sorted { $0.key < $1.key }.map(\.value)
        }
        var collector = ImportCollector(format: .steam)
        for account in accounts {
            let name = account.objectValue?["account_name"]?.stringValue
            try collector.entry(label: name) { () throws(EntryError) in try token(account) }
        }
        return collector.result
    }

    private static func token(_ account: JSONValue) throws(EntryError) -> OTPToken {
        let fields = try JSONFields(account, name: "account")
        guard let secret = ByteEncoding.base64(try fields.string("shared_secret")) else {
            throw .invalid("shared_secret", "is not valid Base64")
        }
        let name = try fields.optionalString("account_name") ?? ""
        return TokenDraft(kind: .steam, secret: secret, issuer: "Steam", account: name).build()
    }
}
