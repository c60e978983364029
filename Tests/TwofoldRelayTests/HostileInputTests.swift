import Foundation
import Hummingbird
import HummingbirdCore
import Testing
import TwofoldCrypto
import TwofoldProtocol
@testable import TwofoldRelay

/// Every parser of untrusted input meets hostile input: request bodies, the bearer header,
/// query parameters, the config file. None may crash, hang, or accept what it must refuse.
@Suite struct RelayHostileInputTests {
    @Test func jsonParserRefusesWhatRFC8259Refuses() throws {
        let bad = ["", " ", "{", "}", "[", "{\"a\":}", "{\"a\" 1}", "{a:1}", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "+1",
                   "1e", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"a\nb\"", "tru", "nulll", "{\"a\":1}{}",
                   "\u{FEFF}{}", "{\"a\":1,\"a\":2}", "\"\u{01}\""]
        for text in bad {
            #expect(throws: JSONParser.Failure.self, "\(text.debugDescription)") { try JSONParser.parse(Array(text.utf8)) }
        }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xff, 0xfe, 0x22]) }  // invalid UTF-8
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(deep.utf8)) }
        #expect(try JSONParser.parse(Array(#"{"a":[1,-2.5e3,true,null,"\u00e9\ud83d\ude00"]}"#.utf8))["a"]
                == .array([.int(1), .double(-2500), .bool(true), .null, .string("é😀")]))
        #expect(try JSONParser.parse(Array("99999999999999999999".utf8)) == .double(1e20))
    }

    @Test func jsonParserSurvivesRandomBytes() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("{}[]\",:0123456789-+.eEtrufalsn \\u\n".utf8)
        for _ in 0..<5000 {
            let n = Int.random(in: 0..<64, using: &rng)
            let bytes = (0..<n).map { _ in Bool.random(using: &rng) ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng) }
            _ = try? JSONParser.parse(bytes)
        }
    }

    @Test func objectReaderRefusesUnknownMembersAndNonCanonicalValues() throws {
        let ok = try JSONParser.parse(Array(#"{"id":"4c6b8cad95a62988e38f33150dcd3a63","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#.utf8))
        let r = try JSONObjectReader(ok, allowed: ["id", "k"])
        let _: AccountID = try r.id("id")
        #expect(try r.key("k").count == 32)
        #expect(throws: RelayError.self) { try JSONObjectReader(ok, allowed: ["id"]) }
        for (field, value) in [("id", "4C6B8CAD95A62988E38F33150DCD3A63"), ("id", "4c6b8cad95a62988e38f33150dcd3a6"),
                               ("id", "4c6b8cad95a62988e38f33150dcd3a6g"), ("k", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB"),
                               ("k", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), ("k", "AAAA+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] {
            let reader = try JSONObjectReader(.object([.init(field, .string(value))]), allowed: [field])
            #expect(throws: RelayError.self, "\(field)=\(value)") {
                if field == "id" { let _: AccountID = try reader.id(field) } else { _ = try reader.key(field) }
            }
        }
        let numbers = try JSONObjectReader(.obj(["n": .double(1.5), "m": .int(-1), "s": .string("1")]), allowed: ["n", "m", "s"])
        for key in ["n", "m", "s"] { #expect(throws: RelayError.self) { try numbers.int(key, in: 0...10) } }
    }

    @Test func bearerHeaderParsing() {
        #expect(Authenticator.bearer("Bearer abc") == "abc")
        #expect(Authenticator.bearer("bearer   abc  ") == "abc")
        for header in ["", "Bearer", "Bearer ", "Basic abc", "Bearerabc", "Token abc"] {
            #expect(Authenticator.bearer(header) == nil, "\(header)")
        }
        // Tokens of every shape are refused without a crash.
        let secret = RelaySecret.generate()
        for text in ["tfa1.", "tfa1." + String(repeating: "A", count: 108), "tfa999999.x", "tfa.x", "tfa1.====",
                     "tfa1." + String(repeating: "_", count: 10_000)] {
            #expect(throws: ProtocolError.self) { try AccessToken.verified(text: text, secret: secret, nowMilliseconds: 0) }
        }
    }

    @Test func pageQueryRefusesHostileValues() throws {
        for query in ["after=1e3", "after=0x10", "after= 1", "after=１", "after=18446744073709551616", "after=0&limit=-0", "limit=1"] {
            let uri = URIish(query)
            #expect(throws: RelayError.self, "\(query)") { try RelayRoutes.pageQuery(uri.parameters) }
        }
        let ok = try RelayRoutes.pageQuery(URIish("after=10&limit=7").parameters)
        #expect(ok.after == 10 && ok.limit == 7)
    }

    @Test func configFileRefusesTyposAndGarbage() throws {
        let known = Set(RelayConfiguration.settingNames)
        let good = """
            # a comment
            listen = "0.0.0.0:8787"   # trailing comment
            registration = invite
            records-per-account = 500
            metrics-token = "with \\"quotes\\" and \\\\ backslash"
            """
        let settings = try ConfigFile.parse(good, known: known)
        #expect(settings["listen"] == "0.0.0.0:8787")
        #expect(settings["metrics-token"] == "with \"quotes\" and \\ backslash")
        let config = try RelayConfiguration(settings: settings)
        #expect(config.host == "0.0.0.0" && config.port == 8787 && config.registration == .invite)
        #expect(config.limits.recordsPerAccount == 500)
        for bad in ["lisen = \"x\"", "listen", "listen = \"unterminated", "listen = \"a\" trailing", "listen = a b",
                    "listen = \"a\"\nlisten = \"b\"", "listen = \"\\q\"", "= 1", "records-per-account = {"] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try ConfigFile.parse(bad, known: known) }
        }
        for (key, value) in [("listen", "nohost"), ("listen", "h:99999"), ("listen", ":80"), ("registration", "maybe"),
                             ("records-per-account", "-1"), ("records-per-account", "ten"), ("device-rate", "nan"),
                             ("log-level", "loud"), ("tls-cert", "/x")] {
            #expect(throws: ConfigurationError.self, "\(key)=\(value)") { try RelayConfiguration(settings: [key: value]) }
        }
        #expect(try RelayConfiguration(settings: ["listen": "[::1]:9000"]).host == "::1")
    }

    @Test func environmentAndFlagsOverrideTheFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString).conf").path
        try "listen = \"127.0.0.1:1000\"\nregistration = closed\nstreams-per-device = 2\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let c = try RelayConfiguration.load(flags: ["config": file, "listen": "127.0.0.1:3000"],
                                            environment: ["TWOFOLD_RELAY_REGISTRATION": "open", "HOME": "/home/x"])
        #expect(c.port == 3000)
        #expect(c.registration == .open)
        #expect(c.limits.streamsPerDevice == 2)
        #expect(RelayAdmin.parseDuration("7d") == 604_800)
        for bad in ["", "d", "-1h", "1y", "1.5h", "99999999999999999999d"] { #expect(RelayAdmin.parseDuration(bad) == nil, "\(bad)") }
    }
}

/// Query parameters parsed the way Hummingbird parses a request's.
struct URIish {
    let parameters: Hummingbird.Parameters
    init(_ query: String) { parameters = HummingbirdCore.URI("/v1/records?" + query).queryParameters }
}
