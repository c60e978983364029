import Crypto
import Foundation
import TwofoldOTP

/// Aegis vault files, plain or encrypted (Aegis docs/vault.md).
///
/// The file is `{"version": 1, "header": {"slots", "params"}, "db"}`. With `slots` and
/// `params` null, `db` is the content object. Otherwise `db` is Base64 AES-256-GCM
/// ciphertext of the content under a random master key (nonce and tag in
/// `header.params`, no associated data), and each password slot (type 1) holds the
/// master key wrapped with AES-256-GCM under scrypt(password, salt, N, r, p).
/// Raw (0) and biometric (2) slots need the phone's key store, so they are skipped.
enum AegisFormat {
    /// The only vault file version Aegis has written.
    static let fileVersion = 1

    static func read(_ data: Data, password: String?) throws(ImportError) -> ImportResult {
        try read(JSONReader.parse(data, as: .aegis), password: password)
    }

    static func read(_ json: JSONValue, password: String?) throws(ImportError) -> ImportResult {
        let (version, header, db) = try JSONFields.fileLevel(.aegis) { () throws(EntryError) in
            let file = try JSONFields(json, name: "the file")
            return (try file.int("version"), try file.optionalObject("header"), file.value("db"))
        }
        guard version == fileVersion else {
            throw .unsupportedVersion(.aegis, version: String(version))
        }
        guard let db else { throw .malformed(.aegis, reason: "field 'db' is missing") }
        if case .object = db {
            return try AegisContent.read(db)
        }
        guard case .string(let encoded) = db else {
            throw .malformed(.aegis, reason: "field 'db' should be an object or a string, found \(db.typeName)")
        }
        guard let header else { throw .malformed(.aegis, reason: "the vault is encrypted but has no header") }
        let masterKey = try unlock(header, password: password)
        let params = try JSONFields.fileLevel(.aegis) { () throws(EntryError) in
            try header.object("params")
        }
        let nonce = try hexField(params, "nonce")
        let tag = try hexField(params, "tag")
        guard let ciphertext = ByteEncoding.base64(encoded) else {
            throw .malformed(.aegis, reason: "field 'db' is not valid Base64")
        }
        guard let plain = AESGCM.open(ciphertext: ciphertext, nonce: nonce, tag: tag, key: masterKey) else {
            throw .malformed(.aegis, reason: "the vault contents fail authentication (the file is damaged)")
        }
        return try AegisContent.read(JSONReader.parse(Data(plain), as: .aegis))
    }

    /// Tries the password on each password slot; returns the master key.
    private static func unlock(_ header: JSONFields, password: String?) throws(ImportError) -> SymmetricKey {
        let slots = try JSONFields.fileLevel(.aegis) { () throws(EntryError) in
            try header.array("slots").map { (slot) throws(EntryError) in
                try JSONFields(slot, path: "header.slots[].", name: "a slot")
            }
        }
        let passwordSlots = try JSONFields.fileLevel(.aegis) { () throws(EntryError) in
            var found: [JSONFields] = []
            for slot in slots where try slot.int("type") == 1 { found.append(slot) }
            return found
        }
        guard !passwordSlots.isEmpty else {
            throw .unsupportedEncryption(
                .aegis, detail: "the vault has no password slot; set a password in Aegis and export again")
        }
        guard let password else { throw .passwordRequired(.aegis) }
        for slot in passwordSlots.prefix(ImportLimits.maxPasswordSlots) {
            let (n, r, p) = try JSONFields.fileLevel(.aegis) { () throws(EntryError) in
                (try slot.int("n"), try slot.int("r"), try slot.int("p"))
            }
            let salt = try hexField(slot, "salt")
            let wrapped = try hexField(slot, "key")
            let keyParams = try JSONFields.fileLevel(.aegis) { () throws(EntryError) in
                try slot.object("key_params")
            }
            let nonce = try hexField(keyParams, "nonce")
            let tag = try hexField(keyParams, "tag")
            let slotKey = try KeyDerivation.scrypt(
                password: password, salt: salt, n: n, r: r, p: p, format: .aegis)
            if let master = AESGCM.open(ciphertext: wrapped, nonce: nonce, tag: tag, key: slotKey),
                master.count == 32
            {
                return SymmetricKey(data: master)
            }
        }
        throw .wrongPassword(.aegis)
    }

    private static func hexField(_ fields: JSONFields, _ key: String) throws(ImportError) -> [UInt8] {
        let text = try JSONFields.fileLevel(.aegis) { () throws(EntryError) in try fields.string(key) }
        guard let bytes = ByteEncoding.hex(text) else {
            throw .malformed(.aegis, reason: "field '\(fields.path)\(key)' is not hexadecimal")
        }
        return bytes
    }
}
