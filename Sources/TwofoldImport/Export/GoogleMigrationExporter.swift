import Foundation
import SwiftProtobuf
import TwofoldOTP

/// Google Authenticator `otpauth-migration://offline?data=…` URIs, one per line, each
/// meant for one QR code (Protocol/proto/google_migration.proto).
///
/// Tokens go ``tokensPerBatch`` to a URI so that each QR code stays scannable; every
/// payload carries `version` 1, `batch_size` (number of URIs), `batch_index` and one
/// random `batch_id`, as Google Authenticator writes them.
///
/// What Google's format cannot hold is reported by ``unrepresentable(_:)`` and left to
/// ``Exporter``'s omission policy, never dropped silently: Steam tokens (no type for
/// them), digits other than 6 or 8 (the enum has only those), TOTP periods other than
/// 30 s (there is no period field), HOTP counters above 2^63 − 1 (the field is int64).
/// SHA-256 and SHA-512 are written as the format defines them, although older Google
/// Authenticator versions compute such tokens with SHA-1. Tags and notes are not carried.
enum GoogleMigrationExporter {
    typealias Payload = Twofold_GoogleMigration_MigrationPayload

    /// Tokens per URI (QR code): Google Authenticator itself puts about ten in each.
    static let tokensPerBatch = 10

    /// Why Google's format cannot carry `token`, or nil.
    static func unrepresentable(_ token: OTPToken) -> String? {
        switch token.kind {
        case .steam:
            return "Google Authenticator has no Steam tokens"
        case .totp where token.period != 30:
            return "Google Authenticator supports only a 30-second period (this token uses \(token.period))"
        case .hotp where token.counter > UInt64(Int64.max):
            return "the HOTP counter is too large for Google Authenticator"
        default:
            break
        }
        if token.digits != 6 && token.digits != 8 {
            return "Google Authenticator supports only 6 or 8 digits (this token has \(token.digits))"
        }
        return nil
    }

    static func write(_ tokens: [OTPToken]) throws(ImportError) -> String {
        guard !tokens.isEmpty else { return "" }
        let batches = stride(from: 0, to: tokens.count, by: tokensPerBatch).map {
            Array(tokens[$0..<min($0 + tokensPerBatch, tokens.count)])
        }
        let batchID = Int32.random(in: 1...Int32.max)
        var lines = ""
        for (index, batch) in batches.enumerated() {
            var payload = Payload()
            payload.version = 1
            payload.batchSize = Int32(batches.count)
            payload.batchIndex = Int32(index)
            payload.batchID = batchID
            payload.otpParameters = batch.map(parameters)
            let bytes: [UInt8]
            do {
                bytes = try payload.serializedBytes()
            } catch {
                throw .exportFailed(reason: "the migration payload could not be encoded")
            }
            lines += "otpauth-migration://offline?data=" + percentEncoded(Data(bytes).base64EncodedString()) + "\n"
        }
        return lines
    }

    private static func parameters(_ token: OTPToken) -> Payload.OtpParameters {
        var parameters = Payload.OtpParameters()
        parameters.secret = Data(token.secret)
        parameters.name = token.account
        parameters.issuer = token.issuer
        switch token.algorithm {
        case .sha1: parameters.algorithm = .sha1
        case .sha256: parameters.algorithm = .sha256
        case .sha512: parameters.algorithm = .sha512
        }
        parameters.digits = token.digits == 8 ? .eight : .six
        parameters.type = token.kind == .hotp ? .hotp : .totp
        parameters.counter = token.kind == .hotp ? Int64(token.counter) : 0
        return parameters
    }

    /// Base64's `+`, `/` and `=` escaped for a query value (RFC 3986 §2.1).
    private static func percentEncoded(_ base64: String) -> String {
        base64.replacingOccurrences(of: "+", with: "%2B")
            .replacingOccurrences(of: "/", with: "%2F")
            .replacingOccurrences(of: "=", with: "%3D")
    }
}
