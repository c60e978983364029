import Foundation
import TwofoldOTP
import TwofoldVault

/// The JSON shape of a token in `list --json` and friends (README, "JSON output").
enum TokenJSON {
    static func object(for entry: TokenEntry, showSecret: Bool) -> [String: Any] {
        let t = entry.token
        var object: [String: Any] = [
            "id": entry.id.hex,
            "type": t.kind.rawValue,
            "issuer": t.issuer,
            "account": t.account,
            "algorithm": t.algorithm.rawValue,
            "digits": t.digits,
            "tags": t.tags,
            "note": t.note,
        ]
        if t.kind == .hotp { object["counter"] = t.counter } else { object["period"] = t.period }
        if showSecret { object["secret"] = Base32.encode(t.secret) }
        return object
    }
}
