import Foundation
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// What `serve` checks before it opens (and so creates) the store: the listen address can
/// be bound and the TLS files can be used. Each problem is one line saying what to do, and
/// nothing has been written when it is reported (issue 15: a port in use once printed a
/// Swift description after relay.sqlite had been created).
public enum StartupCheck {
    /// The first problem with `configuration`, or nil when the relay can start.
    public static func problem(_ configuration: RelayConfiguration) -> String? {
        if let problem = listenProblem(host: configuration.host, port: configuration.port) { return problem }
        if let cert = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
            do {
                _ = try NIOSSLCertificate.fromPEMFile(cert)
            } catch {
                return "cannot use the TLS certificate \(cert) (not a readable PEM certificate chain): check tls-cert and its permissions"
            }
            do {
                _ = try NIOSSLPrivateKey(file: key, format: .pem)
            } catch {
                return "cannot use the TLS key \(key) (not a readable PEM private key): check tls-key and its permissions"
            }
        }
        return nil
    }

    /// Binds `host:port` once and lets it go; the reason it cannot be bound, or nil.
    /// Port 0 (any free port) always binds.
    public static func listenProblem(host: String, port: Int) -> String? {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let info = found else {
            return "cannot listen on \(host):\(port): '\(host)' is not an IP address: give listen as HOST:PORT with a numeric address"
        }
        defer { freeaddrinfo(found) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { return "cannot listen on \(host):\(port): no socket (\(String(cString: strerror(errno)))): check the system's limits" }
        defer { close(fd) }
        // As the server will: SO_REUSEADDR, so a socket in TIME_WAIT from a restart is no conflict.
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let code = errno
            switch code {
            case EADDRINUSE:
                return "cannot listen on \(host):\(port): the address is already in use (another twofold-relay?): stop it, or choose another port with --listen"
            case EACCES:
                return "cannot listen on \(host):\(port): permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE): choose a port above 1023"
            case EADDRNOTAVAIL:
                return "cannot listen on \(host):\(port): no network interface has that address: give one of this machine's addresses, or 0.0.0.0"
            default:
                return "cannot listen on \(host):\(port): \(String(cString: strerror(code))): check the listen setting"
            }
        }
        return nil
    }
}
