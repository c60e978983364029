import Foundation
import Testing

/// Secrets never need argv (issue 20): while `twofold add` waits, another process reading
/// `/proc/PID/cmdline` finds no secret, on the standard-input paths (`--secret-stdin`,
/// `add -`) and on the prompt at a terminal (a real pseudo-terminal from python's pty).
@Suite("twofold add keeps secrets out of argv")
struct CLISecretInputTests {
    static let secret = "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF"
    static let otherSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ"

    /// What a separate process (`cat`) reads from `/proc/PID/cmdline`, NULs as spaces.
    static func cmdline(of pid: Int32) throws -> String {
        let cat = Process()
        cat.executableURL = URL(fileURLWithPath: "/bin/cat")
        cat.arguments = ["/proc/\(pid)/cmdline"]
        let out = Pipe()
        cat.standardOutput = out
        try cat.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        cat.waitUntilExit()
        return String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }

    /// Starts `twofold ARGS` with an open standard input, reads its cmdline while it waits
    /// for that input, then sends `input`. Returns the cmdline seen and the result.
    static func waitingRun(_ cli: CLIRunner, _ args: [String], input: String) throws -> (String, Int32, String, String) {
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = ["--home", cli.home.path] + args
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // It is blocked in read(2) on standard input: the window another user would look in.
        usleep(300_000)
        let seen = try cmdline(of: process.processIdentifier)
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (seen, process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test func secretStdinAndAURIOnStandardInputStayOutOfArgv() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        #expect(try cli.run(["init", "--passphrase-stdin"], input: "right\n").status == 0)
        let (seen, status, out, err) = try Self.waitingRun(
            cli, ["add", "--issuer", "Example", "--account", "me", "--secret-stdin", "--passphrase-stdin"],
            input: "\(Self.secret)\nright\n")
        #expect(seen.contains("--secret-stdin"), "not the add process: \(seen)")
        #expect(!seen.contains(Self.secret), "\(seen)")
        #expect(status == 0 && out.contains("Added Example:me"), "\(out) \(err)")

        let uri = "otpauth://totp/Other:me?secret=\(Self.otherSecret)&issuer=Other"
        let (seenURI, statusURI, outURI, errURI) = try Self.waitingRun(cli, ["add", "-", "--passphrase-stdin"], input: "\(uri)\nright\n")
        #expect(!seenURI.contains(Self.secret) && !seenURI.contains("otpauth"), "\(seenURI)")
        #expect(statusURI == 0 && outURI.contains("Added Other:me"), "\(outURI) \(errURI)")
        let exported = try cli.run(["export", "--format", "otpauth", "--yes", "--passphrase-stdin"], input: "right\n").stdout
        #expect(exported.contains("secret=\(Self.secret)") && exported.contains("secret=\(Self.otherSecret)"), "\(exported)")

        // Nothing on standard input: one line saying what to do.
        let empty = try cli.run(["add", "--issuer", "A", "--account", "b", "--secret-stdin", "--passphrase-stdin"])
        #expect(empty.status == 1 && empty.stderr.contains("no secret on standard input"), "\(empty.stderr)")
    }

    /// python's pty.fork gives `twofold` a controlling terminal; the parent waits for the
    /// prompt, reads the child's cmdline, types the secret, and reports what it saw.
    static let ptyDriver = """
        import os, pty, select, signal, sys, time
        prompt = sys.argv[1].encode()
        args = sys.argv[2:-1]
        secret = sys.argv[-1].encode()
        pid, fd = pty.fork()
        if pid == 0:
            # The test runner may block or ignore SIGINT; a terminal's Ctrl-C must reach the child.
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.execv(args[0], args)
        out = b""
        def read_until(done, seconds):
            # Never blocks for good: a child that hangs fails the test instead of the run.
            global out
            end = time.time() + seconds
            while not done() and time.time() < end:
                ready, _, _ = select.select([fd], [], [], 0.2)
                if fd not in ready:
                    continue
                try:
                    chunk = os.read(fd, 1024)
                except OSError:
                    return
                if not chunk:
                    return
                out += chunk
        read_until(lambda: prompt in out, 30)
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                seen = f.read().replace(b"\\0", b" ")
        except OSError:
            seen = b"(exited)"
        time.sleep(float(os.environ.get("PTY_DELAY", "0")))
        try:
            os.write(fd, secret + b"\\n")
        except OSError:
            pass
        read_until(lambda: False, 30)  # until the child closes the terminal (exits), or 30 s
        end = time.time() + 5
        finished, status = os.waitpid(pid, os.WNOHANG)
        while finished == 0 and time.time() < end:
            time.sleep(0.05)
            finished, status = os.waitpid(pid, os.WNOHANG)
        if finished == 0:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        sys.stdout.write("CMDLINE " + seen.decode() + "\\n")
        sys.stdout.write("STATUS %d\\n" % os.waitstatus_to_exitcode(status))
        sys.stdout.write("OUTPUT " + out.decode(errors="replace").replace("\\r", "").replace("\\n", " | ") + "\\n")
        """

    /// Runs `twofold --home HOME ARGS` on a pseudo-terminal, types `answer` after `prompt`
    /// appears; returns the driver's lines (CMDLINE, STATUS, OUTPUT).
    static func onTerminal(_ cli: CLIRunner, _ args: [String], prompt: String, answer: String, delay: Double = 0) throws -> [String] {
        let python = Process()
        python.environment = ProcessInfo.processInfo.environment.merging(["PTY_DELAY": "\(delay)"]) { $1 }
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", Self.ptyDriver, prompt, CLIRunner.binary.path, "--home", cli.home.path] + args + [answer]
        let out = Pipe()
        python.standardOutput = out
        try python.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        return text.split(separator: "\n").map(String.init)
    }

    /// `remove` asks at a terminal (issue 20); "n" keeps the token, `--yes` does not ask.
    @Test func removeAsksAtATerminal() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        #expect(try cli.run(["init", "--no-passphrase"]).status == 0)
        #expect(try cli.run(["add", "--issuer", "Keep", "--account", "me", "--secret", Self.secret]).status == 0)
        let no = try Self.onTerminal(cli, ["remove", "keep"], prompt: "[y/N]", answer: "n")
        #expect(no.contains("STATUS 1") && no.joined().contains("nothing was removed"), "\(no)")
        #expect(try cli.run(["list"]).stdout.contains("Keep"))
        let yes = try Self.onTerminal(cli, ["remove", "keep"], prompt: "[y/N]", answer: "y")
        #expect(yes.contains("STATUS 0") && yes.joined().contains("Removed Keep:me"), "\(yes)")
        #expect(try cli.run(["add", "--issuer", "Keep", "--account", "me", "--secret", Self.secret]).status == 0)
        let unasked = try Self.onTerminal(cli, ["remove", "keep", "--yes"], prompt: "Removed", answer: "")
        #expect(unasked.contains("STATUS 0") && !unasked.joined().contains("[y/N]"), "\(unasked)")
    }

    @Test func thePromptReadsTheSecretWithoutEchoAndOutOfArgv() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        #expect(try cli.run(["init", "--no-passphrase"]).status == 0)
        let lines = try Self.onTerminal(cli, ["add", "--issuer", "Prompted", "--account", "me"], prompt: "Secret", answer: Self.secret)
        let text = lines.joined(separator: "\n")
        let seen = lines.first { $0.hasPrefix("CMDLINE ") } ?? ""
        let output = lines.first { $0.hasPrefix("OUTPUT ") } ?? ""
        #expect(seen.contains("Prompted"), "not the add process: \(text)")
        #expect(!seen.contains(Self.secret), "\(seen)")
        #expect(lines.contains("STATUS 0"), "\(text)")
        #expect(output.contains("Secret (Base32") && output.contains("Added Prompted:me"), "\(output)")
        // Typed without echo: the terminal never showed the secret.
        #expect(!output.contains(Self.secret), "\(output)")
        #expect(try cli.run(["export", "--format", "otpauth", "--yes"]).stdout.contains("secret=\(Self.secret)"))
    }

    /// `codes --watch` redraws in place under a pseudo-terminal until Ctrl-C (issue 20).
    @Test func codesWatchRedrawsInPlaceUntilCtrlC() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        #expect(try cli.run(["init", "--no-passphrase"]).status == 0)
        #expect(try cli.run(["add", "--issuer", "Watched", "--account", "me", "--secret", Self.secret]).status == 0)
        let lines = try Self.onTerminal(cli, ["codes", "--watch"], prompt: "Ctrl-C to stop", answer: "\u{03}", delay: 2.5)
        let output = lines.first { $0.hasPrefix("OUTPUT ") } ?? ""
        #expect(lines.contains("STATUS 0"), "\(lines)")
        // The first frame, then at least two redraws: cursor up over the 2 lines, clear below.
        #expect(output.components(separatedBy: "\u{1B}[2A\u{1B}[J").count >= 3, "\(output)")
        #expect(output.components(separatedBy: "Watched").count >= 4, "\(output)")
        #expect(output.contains("\u{1B}[?25h"), "the cursor is shown again: \(output)")
        // Not at a terminal: a usage error saying so.
        let piped = try cli.run(["codes", "--watch"])
        #expect(piped.status == 2 && piped.stderr.contains("--watch redraws a terminal"), "\(piped.stderr)")
    }
}
