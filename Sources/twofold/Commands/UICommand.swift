import ArgumentParser
import Foundation
import TwofoldDaemon
import TwofoldProtocol
import TwofoldVault
import TwofoldWeb

/// `twofold ui`: the vault in a browser, served on loopback only (Protocol/web.md).
struct UICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Serve a local web page for codes and tokens, on 127.0.0.1 only.",
        discussion: """
            The first line printed is the page's address with a one-time token: it works \
            once and turns into a session cookie. Runs until Ctrl-C (SIGINT) or SIGTERM. \
            Uses the daemon's key while one holds it; otherwise the page asks for the passphrase.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Loopback address and port to listen on (a free port by default).", valueName: "HOST:PORT"))
    var listen: String = "127.0.0.1:0"

    @Flag(help: "Do not open the page with xdg-open.")
    var noOpen = false

    @Option(help: ArgumentHelp("Seconds without a request before a page-unlocked vault locks again.", valueName: "SECONDS"))
    var idleTimeout: Double = 900

    func run() throws {
        let (host, port) = try Self.parse(listen: listen)
        let home = global.vaultHome
        guard home.hasVault else { throw CLIError("no vault in \(home.path): create one with 'twofold init'") }
        let access = VaultAccess(
            fromDaemon: { DaemonClient.openVault(home: home) },
            withoutPassphrase: { try? Vault.open(home: home) { throw CLIError("the vault needs its passphrase") } },
            withPassphrase: { passphrase in try Vault.open(home: home) { passphrase } },
            useHOTP: { vault, id in try DaemonClient.useHOTP(vault: vault, home: home, id: id) },
            lockDaemon: {
                guard let client = try? DaemonClient.require(home: home) else { return false }
                return (try? client.call(ControlRequest(op: "lock"))) != nil
            })
        let app: WebApp
        do {
            app = try WebApp(WebConfiguration(home: home, host: host, port: port, idleTimeoutSeconds: idleTimeout), access: access)
        } catch let error as WebError {
            throw CLIError(error.description)
        }
        let open = !noOpen
        try AsyncBridge.run {
            try await app.run { url in
                print(url)
                fflush(stdout)
                if open { Self.openBrowser(url) }
            }
        }
    }

    /// `HOST:PORT`, `[::1]:PORT` or `HOST`; refuses anything but loopback [WEB-1].
    static func parse(listen: String) throws -> (String, Int) {
        var host = listen, port = 0
        if listen.hasPrefix("["), let close = listen.firstIndex(of: "]") {
            host = String(listen[listen.index(after: listen.startIndex)..<close])
            let rest = listen[listen.index(after: close)...]
            if rest.hasPrefix(":") {
                guard let p = Int(rest.dropFirst()) else { throw CLIError("--listen \(listen): the port is not a number") }
                port = p
            }
        } else if let colon = listen.lastIndex(of: ":"), listen.filter({ $0 == ":" }).count == 1 {
            host = String(listen[..<colon])
            guard let p = Int(listen[listen.index(after: colon)...]) else { throw CLIError("--listen \(listen): the port is not a number") }
            port = p
        }
        guard (0...65535).contains(port) else { throw CLIError("--listen \(listen): the port must be 0 to 65535") }
        guard WebConfiguration.isLoopback(host) else { throw CLIError(WebError.notLoopback(host).description) }
        return (host, port)
    }

    static func openBrowser(_ url: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xdg-open", url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
    }
}
