import Foundation

/// The key every per-address limit counts by (Protocol/relay-api.md, "Limits"): an IPv4
/// address as it is, an IPv6 address by its /64 (`2001:db8:1:2::/64`), since one host is
/// routinely given a whole /64 and could otherwise take a fresh address for each request.
/// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is its IPv4 address. Anything that is
/// not an IP address (`local` in tests) is its own key.
public enum ClientAddress {
    /// The limit key of `address` (as ``Relay`` or the connection gate reads it).
    public static func limitKey(_ address: String) -> String {
        guard address.contains(":") else { return address }
        var bytes = [UInt8](repeating: 0, count: 16)
        let parsed = address.withCString { text in
            bytes.withUnsafeMutableBytes { inet_pton(AF_INET6, text, $0.baseAddress) }
        }
        guard parsed == 1 else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return "\(bytes[12]).\(bytes[13]).\(bytes[14]).\(bytes[15])"
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}
