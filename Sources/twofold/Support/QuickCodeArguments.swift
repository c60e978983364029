/// Reads the common forms of `twofold code` without ArgumentParser, because its
/// reflection costs more than the whole rest of the command (README, "Performance"):
/// about 9 ms of a 20 ms call go to Swift runtime conformance scans over this large
/// binary, and `code` is the command people run by the dozen a day (issue 9's target is
/// 10× `oathtool`).
///
/// It is strict on purpose. Anything it does not know for certain — help, `--`, an
/// unknown or repeated option, a value that starts with a dash or is empty, a bad
/// number, a second positional — returns nil, and ArgumentParser then parses the same
/// arguments as always, errors and all. So the fast path never reports an error of its
/// own, and for every argument list it accepts it must build exactly the
/// ``CodeInvocation`` ArgumentParser builds; `QuickCodeArgumentsTests` checks that on
/// a generated set of command lines.
enum QuickCodeArguments {
    /// The invocation, or nil when ArgumentParser must decide.
    static func parse(_ arguments: [String]) -> CodeInvocation? {
        var rest = arguments[...]
        var home: String?
        // Before the subcommand, only the root's own option (GlobalOptions).
        while let first = rest.first, first != "code" {
            guard home == nil, let (value, used) = optionValue("--home", in: rest) else { return nil }
            home = value
            rest = rest.dropFirst(used)
        }
        guard rest.first == "code" else { return nil }
        rest = rest.dropFirst()

        var seen: Set<String> = []
        var query: String?
        var invocation = CodeInvocation(query: "")
        while let argument = rest.first {
            if !argument.hasPrefix("-") {
                guard query == nil, !argument.isEmpty else { return nil }
                query = argument
                rest = rest.dropFirst()
                continue
            }
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard seen.insert(name).inserted else { return nil }
            switch name {
            case "--passphrase-stdin", "--json", "--copy", "--insecure-relay":
                guard argument == name else { return nil }  // a flag takes no "=value"
                switch name {
                case "--passphrase-stdin": invocation.passphraseStdin = true
                case "--json": invocation.json = true
                case "--copy": invocation.copy = true
                default: invocation.relay.allowInsecure = true
                }
                rest = rest.dropFirst()
            case "--home", "--at", "--time-source", "--relay-ca":
                guard let (value, used) = optionValue(name, in: rest) else { return nil }
                switch name {
                case "--home":
                    guard home == nil else { return nil }
                    home = value
                case "--at":
                    guard let seconds = Int64(value) else { return nil }
                    invocation.at = seconds
                case "--time-source":
                    guard let source = TimeSource(rawValue: value) else { return nil }
                    invocation.timeSource = source
                default:
                    invocation.relay.caFile = value
                }
                rest = rest.dropFirst(used)
            default:
                return nil
            }
        }
        guard let query else { return nil }
        invocation.query = query
        invocation.home = home
        return invocation
    }

    /// `NAME VALUE` or `NAME=VALUE` at the start of `arguments`: the value and how many
    /// arguments it took, or nil for anything else (a value ArgumentParser might read
    /// differently — empty, or starting with a dash — included).
    private static func optionValue(_ name: String, in arguments: ArraySlice<String>) -> (String, Int)? {
        guard let first = arguments.first else { return nil }
        let value: String, used: Int
        if first == name {
            guard arguments.count >= 2 else { return nil }
            value = arguments[arguments.startIndex + 1]
            used = 2
        } else if first.hasPrefix(name + "=") {
            value = String(first.dropFirst(name.count + 1))
            used = 1
        } else {
            return nil
        }
        guard !value.isEmpty, !value.hasPrefix("-") else { return nil }
        return (value, used)
    }
}
