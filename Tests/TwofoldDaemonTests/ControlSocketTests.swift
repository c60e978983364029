import Foundation
import Testing
import SystemdNotify
import TwofoldVault
@testable import TwofoldDaemon

/// A handler that answers `status` and echoes what it was asked.
struct EchoHandler: ControlHandler {
    func handle(_ request: ControlRequest, peer: PeerCredentials) async -> ControlReply {
        switch request.op {
        case "status":
            var response = ControlResponse.success
            response.locked = true
            response.daemon = .init(pid: peer.pid, version: "test", startedMs: 1, home: "/")
            return .one(response)
        case "watch":
            let stream = AsyncStream<ControlResponse> { continuation in
                for i in 0..<3 {
                    var r = ControlResponse.success
                    r.round = .init(pulled: i, updated: 0, pushed: 0, conflicts: 0, lastSeq: UInt64(i), finishedMs: 0)
                    continuation.yield(r)
                }
                continuation.finish()
            }
            return .stream(.success, stream, cancel: {})
        default:
            return .one(.failure("unknown_op", "unknown op"))
        }
    }
}

@Suite(.serialized)
struct ControlSocketTests {
    /// Runs blocking socket code on its own thread: the handler needs the concurrency
    /// pool, which a blocked test thread would starve on a 2-core machine.
    func withSocket(_ body: @escaping @Sendable (VaultHome, ControlSocket) throws -> Void) async throws {
        let dir = "/tmp/tfcs-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let home = VaultHome(path: dir)
        let socket = try ControlSocket(path: ControlSocketPath.resolve(home: home), handler: EchoHandler(), logger: .init(label: "test"))
        let task = Task { try await socket.run() }
        defer {
            socket.stop()
            task.cancel()
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                do {
                    try body(home, socket)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    @Test func answersOneLinePerRequestOnlyToThisUserWithMode0600() async throws {
        try await withSocket { home, socket in
            var st = stat()
            #expect(stat(socket.path, &st) == 0)
            #expect(st.st_mode & 0o777 == 0o600)
            let client = ControlClient(home: home)
            #expect(client.isRunning)
            // A long timeout: on 2 cores the whole test run's blocking tests can hold every
            // thread of the concurrency pool that the socket's handler needs for a while.
            let status = try client.call(ControlRequest(op: "status"), timeoutSeconds: 120)
            #expect(status.locked == true)
            #expect(status.daemon?.pid == getpid())  // the kernel's view of the peer: this process
            #expect(throws: DaemonError.self) { try client.call(ControlRequest(op: "nope"), timeoutSeconds: 120) }
        }
    }

    @Test func malformedLinesGetAnErrorAndTheConnectionGoesOn() async throws {
        try await withSocket { _, socket in
            let fd = UnixSocket.connect(socket.path)
            #expect(fd >= 0)
            defer { close(fd) }
            UnixSocket.setReceiveTimeout(fd, seconds: 120)
            #expect(UnixSocket.writeAll(fd, Array("not json\n{\"op\":\"status\"}\n".utf8)))
            let reader = LineReader(fd: fd)
            let first = String(decoding: try #require(reader.next()), as: UTF8.self)
            let second = String(decoding: try #require(reader.next()), as: UTF8.self)
            #expect(first.contains("bad_request"))
            #expect(second.contains("\"ok\":true"))
        }
    }

    @Test func watchStreamsOneLinePerRound() async throws {
        try await withSocket { _, socket in
            let fd = UnixSocket.connect(socket.path)
            defer { close(fd) }
            UnixSocket.setReceiveTimeout(fd, seconds: 120)
            #expect(UnixSocket.writeAll(fd, Array("{\"op\":\"watch\"}\n".utf8)))
            let reader = LineReader(fd: fd)
            var lines: [String] = []
            while let line = reader.next() { lines.append(String(decoding: line, as: UTF8.self)) }
            #expect(lines.count == 4)
            #expect(lines.last?.contains("\"last_seq\":2") == true)
        }
    }

    /// A CLI write nudges the daemon; with none running the nudge must fail at once, not wait
    /// out a time-out. Not a speed test (those are benchmarks): 100 nudges that each waited
    /// even 100 ms would take 10 s, so the generous bound below holds on a loaded machine
    /// and in a sanitized build while still catching a nudge that waits.
    @Test func nudgeWithoutADaemonDoesNotWait() {
        let home = VaultHome(path: "/tmp/tfcs-none-\(UUID().uuidString)")
        let clock = ContinuousClock()
        let elapsed = clock.measure { for _ in 0..<100 { ControlClient.nudge(home: home) } }
        #expect(elapsed < .seconds(5))
    }

    @Test func longHomesGetASocketOutsideTheHome() {
        let long = VaultHome(path: "/tmp/" + String(repeating: "x", count: 120))
        let path = ControlSocketPath.resolve(home: long, environment: ["XDG_RUNTIME_DIR": "/run/user/1000"])
        #expect(path.hasPrefix("/run/user/1000/twofold/") && path.hasSuffix(".sock"))
        #expect(path.utf8.count <= ControlSocketPath.maximumLength)
        #expect(ControlSocketPath.resolve(home: VaultHome(path: "/tmp/h")) == "/tmp/h/twofoldd.sock")
    }
}

struct SystemdNotifierTests {
    @Test func sendsDatagramsToTheNotifySocket() throws {
        let path = "/tmp/tfsd-\(UUID().uuidString.prefix(8)).sock"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd); unlink(path) }
        var address = try #require(UnixSocket.address(path))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "4000000"])
        #expect(notifier.watchdogInterval == .seconds(4))
        notifier.ready(status: "serving")
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = recv(fd, &buffer, buffer.count, 0)
        let text = String(decoding: buffer[..<max(n, 0)], as: UTF8.self)
        #expect(text.hasPrefix("READY=1\nSTATUS=serving"))
        #expect(SystemdNotifier(environment: [:]).isEnabled == false)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "1", "WATCHDOG_PID": "1"]).watchdogInterval == nil)
    }
}
