import Foundation

/// Substring search for ``Vault/find(_:)``, which runs it once per token: 10,000 times
/// for one `twofold code` on a large vault.
enum LabelMatch {
    /// Whether `haystack` contains `needle`, exactly as Foundation's `contains(_:)` says.
    ///
    /// When both are ASCII — nearly every issuer and account — canonical equivalence is
    /// byte equality, so a byte search gives the same answer without bridging each label
    /// to NSString (that bridging was a tenth of a 10,000-token lookup). Anything else
    /// goes to Foundation, where "é" and "e\u{301}" match.
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        let hay = haystack.utf8, pin = needle.utf8
        guard hay.allSatisfy({ $0 < 0x80 }), pin.allSatisfy({ $0 < 0x80 }) else { return haystack.contains(needle) }
        guard !pin.isEmpty else { return false }  // as Foundation: nothing is found in anything
        guard pin.count <= hay.count else { return false }
        let bytes = Array(hay), wanted = Array(pin)
        for start in 0...(bytes.count - wanted.count) where bytes[start] == wanted[0] {
            if bytes[start..<start + wanted.count].elementsEqual(wanted) { return true }
        }
        return false
    }
}
