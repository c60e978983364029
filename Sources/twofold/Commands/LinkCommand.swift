import ArgumentParser
import Foundation
import TwofoldProtocol
import TwofoldQR
import TwofoldSync
import TwofoldVault

/// `twofold link`: makes this (new, empty) home a device of an existing account, approved
/// from a device that already has it (Protocol/devices.md, "Linking").
struct LinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Link this new device to your account: show a one-time code, then wait for 'twofold approve' on another device.",
        discussion: """
            The home must not hold a vault yet. The command prints a code (and the same as a \
            QR code) and waits until a device of the account runs 'twofold approve CODE'. A \
            code works once and expires after 10 minutes. If this command is stopped while it \
            waits, running it again shows the same code while it is valid. The new device \
            checks that the approval was made with its code, so a relay cannot slip in keys of \
            its own.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var relayOptions: RelayOptions

    @Option(name: .long, help: ArgumentHelp("The relay the account syncs with, https://HOST[:PORT].", valueName: "URL"))
    var relay: String

    @Option(name: .long, help: ArgumentHelp("The name to suggest for this device (shown in the approve command).", valueName: "NAME"))
    var deviceName: String?

    @Flag(name: .long, help: "Protect the new local vault with a key file instead of a passphrase.")
    var noPassphrase = false

    @Flag(name: .long, help: "Read the new local passphrase from standard input.")
    var localPassphraseStdin = false

    func validate() throws {
        if noPassphrase && localPassphraseStdin {
            throw ValidationError("--no-passphrase and --local-passphrase-stdin exclude each other")
        }
        if let deviceName, deviceName.isEmpty || deviceName.utf8.count > Roster.maximumNameLength
            || deviceName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError("--device-name must be 1-64 bytes without control characters")
        }
    }

    func run() throws {
        let home = global.vaultHome
        if home.hasVault { throw VaultError.alreadyInitialized(home: home.path) }
        // Asked first, so that nobody needs to be at this device when the approval arrives.
        let passphrase: String? = noPassphrase
            ? nil
            : try PassphraseReader.readNew(prompt: "New local passphrase: ", fromStandardInput: localPassphraseStdin)
        let client = try relayOptions.client(for: relay, home: global.vaultHome)
        let name = deviceName ?? SyncCLI.defaultDeviceName()
        let outcome = try AsyncBridge.run {
            defer { Task { await client.shutdown() } }
            var (request, start) = try await LinkNewDevice.prepare(home: home, client: client, deviceName: name,
                                                                        notify: { Warnings.note($0) })
            if start != .resumedCollected {
                Self.show(request, resumed: start == .resumedWaiting, nameHint: deviceName)
                request = try await LinkNewDevice.waitForReply(home: home, client: client, request: request)
            }
            return try await LinkNewDevice.finish(home: home, client: client, request: request, passphrase: passphrase)
        }
        print("Linked: \(outcome.tokens) token\(outcome.tokens == 1 ? "" : "s") arrived from account \(outcome.account.hex.prefix(8)) (approved by device \(outcome.approvedBy.hex.prefix(8))); this device is \(outcome.device.hex.prefix(8)).")
        if outcome.damaged > 0 {
            Warnings.emit("\(outcome.damaged) records could not be opened and are not used")
        }
    }

    /// Prints the code, its QR code and how long it lasts, and flushes (the command then waits).
    static func show(_ request: LinkRequest, resumed: Bool, nameHint: String?) {
        let code = request.code.text
        let expires = request.expiresMilliseconds.map { Date(timeIntervalSince1970: Double($0) / 1000) } ?? Date().addingTimeInterval(600)
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        let minutes = max(0, Int(expires.timeIntervalSinceNow / 60 + 0.5))
        var approve = "twofold approve \(code)"
        if let nameHint { approve += " --name '\(nameHint.replacingOccurrences(of: "'", with: "'\\''"))'" }
        if resumed { print("Still waiting with the code shown before.") }
        print("On a device that already has your tokens, run:")
        print("")
        print("    \(approve)")
        print("")
        print("Link code: \(code)")
        if let lines = try? QRRenderer.render(request.code.qrPayload) {
            let colour = isatty(STDOUT_FILENO) == 1
            for line in lines { print(colour ? "\u{1B}[97;40m\(line)\u{1B}[0m" : line) }
        }
        print("The code works once and expires at \(formatter.string(from: expires)) (in about \(minutes) min). Waiting for approval...")
        fflush(nil)  // the command now waits: the code must be on screen (or in the pipe) already
    }
}
