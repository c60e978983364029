import ArgumentParser
import Foundation
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

/// Options of every command that talks to a relay.
struct RelayOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Also trust the CA certificates in this PEM file (a self-signed relay).", valueName: "FILE"))
    var relayCa: String?

    @Flag(name: .long, help: "Allow a plain-http relay on a network address (never do this outside a lab).")
    var insecureRelay = false

    /// The same, as plain values (`--relay-ca` alone; ``RelayTrust/withHomeDefault(_:)``
    /// adds the home's `relay-ca` setting).
    var trust: RelayTrust { RelayTrust(caFile: relayCa, allowInsecure: insecureRelay) }

    /// A client for `url`, checked ([API-3]), trusting `--relay-ca` or else the home's
    /// `relay-ca` setting; proxies come from `HTTPS_PROXY`.
    func client(for url: String, home: VaultHome) throws -> RelayClient { try trust.withHomeDefault(home).client(for: url) }
}

/// What `--relay-ca` and `--insecure-relay` say, as plain values: code that also runs
/// without ArgumentParser (``QuickCodeArguments``) cannot read an unparsed `RelayOptions`.
struct RelayTrust: Equatable {
    /// A PEM file of extra CA certificates to trust.
    var caFile: String?
    /// Whether a plain-http relay on a network address is allowed.
    var allowInsecure = false

    /// The endpoint `url` names, checked ([API-3]).
    func endpoint(_ url: String) throws -> RelayEndpoint { try RelayEndpoint(url, allowInsecure: allowInsecure) }

    /// A client for `url`, checked ([API-3]); proxies come from `HTTPS_PROXY`.
    func client(for url: String) throws -> RelayClient {
        try RelayClient(RelayClientConfiguration(endpoint: endpoint(url), caFile: caFile))
    }

    /// The same trust, with the CA file of `home`'s `relay-ca` setting when no
    /// `--relay-ca` was given (README, "Settings").
    func withHomeDefault(_ home: VaultHome) throws -> RelayTrust {
        guard caFile == nil else { return self }
        var trust = self
        trust.caFile = try HomeConfig.load(home: home).relayCA
        return trust
    }
}

/// Runs async work from a synchronous command and waits for it (the CLI's `Main` is
/// synchronous; the relay client is async).
enum AsyncBridge {
    private final class Box<T>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }

    static func run<T>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

/// Small helpers shared by the sync commands.
enum SyncCLI {
    /// This device's name in the roster: the host name, cut to 64 bytes, or "device".
    static func defaultDeviceName() -> String {
        var name = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? ""
        name = String(name.unicodeScalars.filter { $0.properties.generalCategory != .control }.map(Character.init))
        while name.utf8.count > 64 { name.removeLast() }
        return name.isEmpty ? "device" : name
    }

    /// Shows the recovery key once, or writes it to `file` (mode 0600) for scripts.
    static func reveal(_ key: RecoveryKey, account: AccountID, file: String?, kit: String? = nil, relay: String? = nil) throws {
        defer {
            if kit == nil {
                print("A one-page kit to print (relay, account, words, QR code): 'twofold recovery-key kit --output kit.html'.")
            }
        }
        if let kit, let relay {
            try RecoveryKit.write(to: kit, relay: relay, account: account, key: key)
            print("The recovery kit was written to \(kit) (mode 0600): print it, then delete the file.")
        }
        if let file {
            try SecureFile.write(Data((key.phrase + "\n").utf8), to: file)
            print("The recovery key (24 words) was written to \(file) (mode 0600): store it offline, then delete the file.")
        } else {
            let words = key.words
            print("")
            print("Recovery key - write these 24 words down and keep them offline. They are shown only once;")
            print("with them and the account id you can restore your tokens on a new device:")
            print("")
            for row in 0..<4 {
                let line = (0..<6).map { col -> String in
                    let i = row * 6 + col
                    let label = "\(i + 1).".padding(toLength: 4, withPad: " ", startingAt: 0)
                    return label + words[i].padding(toLength: 10, withPad: " ", startingAt: 0)
                }.joined(separator: " ")
                print("  " + line)
            }
            print("")
        }
        print("Account id: \(account.hex)")
    }

    /// Runs account creation for a vault in state `creating` and reports it.
    static func completeAccount(vault: Vault, client: RelayClient, invite: String?, recoveryKeyFile: String?,
                                recoveryKit: String? = nil) async throws {
        let outcome = try await AccountCreation.complete(vault: vault, client: client, invite: invite)
        print("Created account \(vault.account.hex.prefix(8)) on \(client.relay); this device is \(vault.device.hex.prefix(8)).")
        try reveal(outcome.recoveryKey, account: vault.account, file: recoveryKeyFile, kit: recoveryKit, relay: client.relay)
        try vault.finishAccountCreation()
        if case .failure(let error) = outcome.sync {
            throw CLIError("the account was created but the first sync failed: \(error.description)")
        }
    }
}
