/// The relay's request decoding as a public surface, body by body, exactly as the routes read
/// them (Protocol/relay-api.md, "Conventions"): the strict JSON parser, then the members each
/// request allows, then each member's schema. `twofold-fuzz-relay` feeds untrusted bytes
/// through these, so fuzzers and tools need no `@testable import` (which release builds do
/// not allow).
public enum RequestDecoding {
    /// Why a body was refused: the relay's one-line message, as a client would read it.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Any JSON text: the value the strict parser reads, written back by the relay's own
    /// writer (the one every response uses). Nil when the parser refuses the text.
    /// - Returns: the bytes the writer produced, and whether they parse to the same value.
    public static func jsonRoundTrip(_ bytes: [UInt8]) -> (written: [UInt8], parsesToSameValue: Bool)? {
        guard let value = try? JSONParser.parse(bytes) else { return nil }
        let written = value.bytes
        guard let again = try? JSONParser.parse(written) else { return (written, false) }
        return (written, again == value)
    }

    /// `POST /v1/records`: the writes (at most `maxWrites`, ids distinct) and the head.
    public static func recordsPush(_ bytes: [UInt8], maxWrites: Int = 500) throws(Refusal) {
        try refusing {
            let body = try reader(bytes, allowed: ["writes", "head"])
            guard case .array(let items) = try body.value("writes") else { throw RelayError.malformed("field 'writes' must be an array") }
            guard items.count <= maxWrites else { throw RelayError.malformed("the batch has more than \(maxWrites) writes") }
            var writes: [RecordWrite] = []
            for (i, item) in items.enumerated() {
                writes.append(try RequestParsing.recordWrite(item, path: body.itemPath("writes", i)))
            }
            try RequestParsing.requireDistinct(writes.map(\.recordID), what: "the batch")
            _ = try RequestParsing.head(try body.object("head", allowed: RequestParsing.headFields))
        }
    }

    /// `POST /v1/rotations`.
    public static func rotation(_ bytes: [UInt8], maxRecords: Int = 1000) throws(Refusal) {
        try refusing {
            let body = try reader(bytes, allowed: ["from_epoch", "to_epoch", "revoke", "records", "grants", "recovery", "passphrase", "head"])
            _ = try RelayRoutes.rotation(body, maxRecords: maxRecords)
        }
    }

    /// `POST /v1/accounts`, with its invite token's shape and the signature's length.
    public static func accountCreation(_ bytes: [UInt8]) throws(Refusal) {
        try refusing {
            let body = try reader(bytes, allowed: ["account_id", "invite", "device", "recovery", "passphrase", "grants", "challenge", "signature"])
            _ = try RelayRoutes.newAccount(body)
            if body.has("invite"), !InviteToken.isWellFormed(try body.string("invite")) {
                throw RelayError.malformed("field 'invite' is not an invite token")
            }
            _ = try body.bytes("signature", lengths: 64...64)
        }
    }

    /// A grant list as `POST /v1/grants` reads it (device grants only).
    public static func grantList(_ bytes: [UInt8]) throws(Refusal) {
        try refusing {
            let body = try reader(bytes, allowed: ["grants"])
            let items = try body.array("grants", count: 1...1000)
            for (i, item) in items.enumerated() {
                _ = try RequestParsing.grant(item, path: body.itemPath("grants", i), devicesOnly: true)
            }
        }
    }

    private static func reader(_ bytes: [UInt8], allowed: Set<String>) throws -> JSONObjectReader {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch {
            throw Refusal(description: "the body is not JSON: \(error.reason) at byte \(error.offset)")
        }
        return try JSONObjectReader(value, allowed: allowed)
    }

    private static func refusing(_ body: () throws -> Void) throws(Refusal) {
        do { try body() } catch let refusal as Refusal { throw refusal } catch let error as RelayError {
            throw Refusal(description: error.message)
        } catch { throw Refusal(description: "\(error)") }
    }
}
