import Testing
import TwofoldCrypto
import TwofoldProtocol

/// `grants/`: open with the recipient's secret key, asking for `account-id` and `epoch`.
enum GrantVectorChecks {
    @Sendable static func check(_ file: VectorFile) throws -> String {
        let recipient = try X25519KeyPair(secretKey: try file.secret("recipient-secret-key"))
        #expect(Hex.encode(recipient.publicKey) == (try file.string("recipient-public-key")), "\(file.path): public key")
        do {
            let key = try Grant.open(try file.dataBytes(), account: try AccountID(hex: try file.string("account-id")),
                                     epoch: try file.number("epoch"), with: recipient)
            #expect(key.copyBytes() == (try file.hex("vault-key")), "\(file.path): vault key")
            return "success"
        } catch {
            return Layer.of(error)
        }
    }
}
