import Testing
import TwofoldCrypto
import TwofoldProtocol

/// `link/`: parse the typed code; then, for offers and replies, check the tag with the
/// code's link key (Protocol/devices.md, "Linking", "The code").
enum LinkVectorChecks {
    @Sendable static func check(_ file: VectorFile) throws -> String {
        let code: LinkCode
        do {
            code = try LinkCode(text: try file.string("code-text"))
        } catch is LinkCodeError {
            return "parse failure"
        }
        let key = code.linkKey
        if file["account-id"] != nil {
            let reply = LinkReplyContent(
                account: try AccountID(hex: try file.string("account-id")), epoch: try file.number("epoch"),
                grant: try file.dataBytes(), tag: try file.hex("tag"),
                fromDevice: try DeviceID(hex: try file.string("from-device-id")),
                fromSignKey: try file.hex("from-sign-key"), fromBoxKey: try file.hex("from-box-key"))
            return reply.isAuthentic(key: key, rendezvousID: code.rendezvousID) ? "success" : "authentication failure"
        }
        if file["tag"] != nil {
            let ok = key.verifyOffer(try file.hex("tag"), rendezvousID: code.rendezvousID,
                                     device: try DeviceID(hex: try file.string("device-id")),
                                     signKey: try file.hex("sign-key"), boxKey: try file.hex("box-key"))
            return ok ? "success" : "authentication failure"
        }
        #expect(Hex.encode(code.rendezvousID) == (try file.string("rendezvous-id")), "\(file.path): rendezvous id")
        #expect(Hex.encode(code.linkSecret.copyBytes()) == (try file.string("link-secret")), "\(file.path): link secret")
        #expect(code.text == (try file.string("canonical")), "\(file.path): canonical text")
        #expect(code.qrPayload == (try file.string("qr-payload")), "\(file.path): QR payload")
        #expect(Hex.encode(key.bytes.copyBytes()) == (try file.string("link-key")), "\(file.path): link key")
        return "success"
    }
}
