import Foundation
import SwiftProtobuf
import TwofoldOTP

/// Google Authenticator's "Transfer accounts" export: one
/// `otpauth-migration://offline?data=BASE64` URI per QR code, the data a protobuf
/// `MigrationPayload` (Protocol/proto/google_migration.proto).
///
/// Several QR codes make one export: each payload says `batch_size`, `batch_index` and
/// `batch_id`. A batch that is missing from the file means tokens we never saw, so it
/// is reported as a failure (never silently ignored). A batch given twice with the same
/// data (the same QR code scanned twice) is read once.
enum GoogleMigrationFormat {
    typealias Payload = Twofold_GoogleMigration_MigrationPayload

    static func read(_ data: Data) throws(ImportError) -> ImportResult {
        let text = try TextInput.text(data, as: .google)
        var collector = ImportCollector(format: .google)
        var seen: [Int32: (size: Int32, indexes: [Int32: [UInt8]])] = [:]

        for line in TextInput.meaningfulLines(text) {
            let payload: Payload
            let bytes: [UInt8]
            do {
                bytes = try payloadBytes(line.text)
                payload = try Payload(serializedBytes: bytes)
            } catch let error as EntryError {
                try collector.fail(line: line.number, reason: error.reason)
                continue
            } catch {
                try collector.fail(line: line.number, reason: "the data parameter is not a valid migration payload")
                continue
            }
            guard payload.version <= 1 else {
                throw .unsupportedVersion(.google, version: String(payload.version))
            }
            if payload.batchSize > 1 {
                var batch = seen[payload.batchID] ?? (payload.batchSize, [:])
                if let earlier = batch.indexes[payload.batchIndex], earlier == bytes { continue }
                batch.indexes[payload.batchIndex] = bytes
                seen[payload.batchID] = batch
            }
            for parameters in payload.otpParameters {
                try collector.entry(line: line.number, label: TokenDraft.label(
                    issuer: parameters.issuer, account: parameters.name)) { () throws(EntryError) in
                    try token(parameters)
                }
            }
        }
        for (id, batch) in seen.sorted(by: { $0.key < $1.key }) {
            for index in 0..<min(batch.size, 1_000) where batch.indexes[index] == nil {
                try collector.fail(reason: "QR code \(index + 1) of \(batch.size) (batch \(id)) is missing: "
                    + "export again from Google Authenticator and scan every code")
            }
        }
        return collector.result
    }

    /// The protobuf bytes in the URI's `data` parameter.
    static func payloadBytes(_ uri: String) throws(EntryError) -> [UInt8] {
        guard uri.lowercased().hasPrefix("otpauth-migration://") else {
            throw EntryError("not an otpauth-migration:// URI")
        }
        guard let encoded = OTPAuthListFormat.queryValue("data", in: uri) else {
            throw EntryError("the URI has no data parameter")
        }
        // Form decoding turned any unescaped '+' of the Base64 into a space: undo that.
        guard let bytes = ByteEncoding.base64(encoded.replacingOccurrences(of: " ", with: "+")) else {
            throw EntryError("the data parameter is not valid Base64")
        }
        return bytes
    }

    /// One `OtpParameters` as a token. Google writes TOTP with a 30 s period only.
    static func token(_ parameters: Payload.OtpParameters) throws(EntryError) -> OTPToken {
        var draft = TokenDraft(kind: .totp, secret: [UInt8](parameters.secret))
        switch parameters.type {
        case .totp: draft.kind = .totp
        case .hotp: draft.kind = .hotp
        case .unspecified: throw .invalid("type", "is not set (neither TOTP nor HOTP)")
        case .UNRECOGNIZED(let value): throw .invalid("type", "has unknown value \(value)")
        }
        switch parameters.algorithm {
        case .unspecified, .sha1: draft.algorithm = .sha1
        case .sha256: draft.algorithm = .sha256
        case .sha512: draft.algorithm = .sha512
        case .md5: throw .unsupported("the algorithm MD5")
        case .UNRECOGNIZED(let value): throw .invalid("algorithm", "has unknown value \(value)")
        }
        switch parameters.digits {
        case .unspecified, .six: draft.digits = 6
        case .eight: draft.digits = 8
        case .UNRECOGNIZED(let value): throw .invalid("digits", "has unknown value \(value)")
        }
        guard parameters.counter >= 0 else { throw .invalid("counter", "is negative") }
        draft.counter = UInt64(parameters.counter)
        draft.issuer = parameters.issuer
        // `name` is "account" or "Issuer:account"; keep the issuer field when there is one.
        if parameters.issuer.isEmpty {
            (draft.issuer, draft.account) = TokenDraft.splitLabel(parameters.name)
        } else if parameters.name.hasPrefix(parameters.issuer + ":") {
            draft.account = String(parameters.name.dropFirst(parameters.issuer.count + 1))
                .trimmingCharacters(in: .whitespaces)
        } else {
            draft.account = parameters.name
        }
        return draft.build()
    }
}
