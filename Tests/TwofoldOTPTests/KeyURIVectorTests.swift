import Testing

@testable import TwofoldOTP

/// `Protocol/vectors/otpauth/`: what the parser must produce or refuse, and what the
/// formatter writes.
@Suite("Key URI vectors")
struct KeyURIVectorTests {
    @Test func vectorDirectoryIsNotEmpty() {
        let names = VectorFile.names(in: "otpauth")
        #expect(names.filter { $0.hasPrefix("fail-") }.count >= 10)
        #expect(names.filter { !$0.hasPrefix("fail-") }.count >= 10)
    }

    @Test(arguments: VectorFile.names(in: "otpauth"))
    func vector(name: String) throws {
        let file = try VectorFile.load("otpauth", name)
        try #require(file.data.count == 1, "\(name): the data is exactly one URI line")
        let uri = file.data[0]

        if try file.required("expect") == "parse failure" {
            let expected = try file.required("error")
            #expect(throws: OTPError.self) { try KeyURI.parse(uri) }
            do {
                let token = try KeyURI.parse(uri)
                Issue.record("\(name): parsed to \(token), expected \(expected)")
            } catch {
                #expect(Self.caseName(error) == expected, "\(name): \(error)")
            }
            return
        }

        let token = try KeyURI.parse(uri)
        #expect(token.kind.rawValue == (try file.required("kind")))
        #expect(token.secret == (try file.secret()))
        #expect(token.issuer == (try file.required("issuer")))
        #expect(token.account == (try file.required("account")))
        #expect(token.algorithm.rawValue == (try file.required("algorithm")))
        #expect(String(token.digits) == (try file.required("digits")))
        if token.kind == .hotp {
            #expect(String(token.counter) == (try file.required("counter")))
        } else {
            #expect(String(token.period) == (try file.required("period")))
        }
        let canonical = try file.required("canonical")
        #expect(KeyURI.format(token) == canonical)
        #expect(try KeyURI.parse(canonical) == token)
    }

    /// The error class names used in vector files (`Protocol/vectors/README.md`).
    static func caseName(_ error: OTPError) -> String {
        switch error {
        case .emptySecret: "emptySecret"
        case .invalidBase32Character: "invalidBase32Character"
        case .invalidBase32Length: "invalidBase32Length"
        case .digitsOutOfRange: "digitsOutOfRange"
        case .periodOutOfRange: "periodOutOfRange"
        case .notOTPAuthURI: "notOTPAuthURI"
        case .unknownType: "unknownType"
        case .unknownAlgorithm: "unknownAlgorithm"
        case .missingCounter: "missingCounter"
        case .invalidParameter: "invalidParameter"
        case .malformedURI: "malformedURI"
        }
    }
}
