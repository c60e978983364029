import ArgumentParser
import Foundation
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

extension LinkCodeError: UserFacingError {}

/// `twofold approve CODE`: admits a new device that shows CODE into this device's account
/// (Protocol/devices.md, "Linking", steps 4–8).
struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a new device that shows a link code: add it to the account and give it the vault key.",
        discussion: """
            Run 'twofold link --relay URL' on the new device first; it shows the code. The code \
            is checked against the keys the new device offered: a mistyped code, or a relay \
            that swapped the keys, is refused before anything is written or sent. Without \
            CODE, a link that an earlier run left unfinished is finished (or undone if its \
            code expired).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var unlock: UnlockOptions
    @OptionGroup var relayOptions: RelayOptions

    @Argument(help: ArgumentHelp("The code the new device shows (8 groups of 4 characters; case and dashes do not matter).",
                                 valueName: "CODE"))
    var code: [String] = []

    @Option(name: .long, help: ArgumentHelp("The new device's name in the account's roster (default: 'device' and its id).",
                                            valueName: "NAME"))
    var name: String?

    func validate() throws {
        if let name, name.isEmpty || name.utf8.count > Roster.maximumNameLength
            || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError("--name must be 1-64 bytes without control characters")
        }
    }

    func run() throws {
        // The code is checked before the vault is unlocked: a typo costs no passphrase.
        let linkCode: LinkCode? = code.isEmpty
            ? nil
            : try LinkCode(text: code.joined(separator: " ").trimmingCharacters(in: .whitespacesAndNewlines))
        let store = try SyncStore.open(home: global.vaultHome)
        guard let state = try store.state() else { throw SyncError.refused(.notAttached) }
        guard state.accountState == .ready else {
            throw CLIError("creating the account on \(state.relayURL) was interrupted: run 'twofold init --relay \(state.relayURL)' again to finish it")
        }
        let vault = VaultHandle(try unlock.openVault(global))
        let client = try relayOptions.client(for: state.relayURL, home: global.vaultHome)
        let name = self.name
        let result = try AsyncBridge.run { () async throws -> (LinkApproval.Outcome?, LinkApproval.Resumed?) in
            defer { Task { await client.shutdown() } }
            guard let linkCode else {
                return (nil, try await LinkApproval.resumePending(vault: vault.vault, client: client))
            }
            let (outcome, resumed) = try await LinkApproval.approve(vault: vault.vault, client: client, code: linkCode, name: name)
            return (outcome, resumed)
        }
        if let resumed = result.1 {
            switch resumed {
            case .completed(let earlier) where earlier.device != result.0?.device:
                print("Finished the link of device \(earlier.device.hex.prefix(8)) ('\(earlier.name)') that an earlier run had started.")
            case .expired(let device, let name):
                print("The code of an earlier, unfinished link of device \(device.hex.prefix(8)) ('\(name)') expired: it was taken out of the roster again.")
            default:
                break
            }
        }
        guard let outcome = result.0 else {
            if result.1 == nil { throw CLIError("no link code given and no unfinished link: give the code the new device shows, 'twofold approve CODE'") }
            return
        }
        print("Approved device \(outcome.device.hex.prefix(8)) as '\(outcome.name)': it is now in the account's roster and receives the vault key. The new device finishes on its own.")
    }
}

/// The unlocked vault handed to the async flow that the command waits for: only that one
/// task uses it while the command blocks, so it never crosses threads concurrently.
private final class VaultHandle: @unchecked Sendable {
    let vault: Vault
    init(_ vault: Vault) { self.vault = vault }
}
