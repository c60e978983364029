import Foundation
import TwofoldSync
import TwofoldVault

/// `doctor`'s relay checks: reachability, TLS, and the clock against the relay's
/// (`/v1/health`'s `time_ms`, five samples, midpoints of their round trips; the `Date`
/// header as a cross-check). The measurement is kept in `<home>/clock.json`.
enum RelayCheck {
    static let fixNTP = "enable NTP ('sudo timedatectl set-ntp true', or start chrony or ntpd); until then use "
        + "'twofold code --time-source relay' or 'twofold config set time-source relay'"

    static func run(relay: String, options: RelayOptions, home: VaultHome) -> [DoctorFinding] {
        let endpoint: RelayEndpoint
        let client: RelayClient
        let caFile = (try? options.trust.withHomeDefault(home))?.caFile ?? options.relayCa
        do {
            endpoint = try RelayEndpoint(relay, allowInsecure: options.insecureRelay)
            var configuration = RelayClientConfiguration(endpoint: endpoint, caFile: caFile)
            configuration.connectTimeout = .seconds(10)
            configuration.requestTimeout = .seconds(10)
            client = try RelayClient(configuration)
        } catch {
            let fix = error.code == "insecure_relay"
                ? "serve the relay over https, or pass --insecure-relay in a lab"
                : "check --relay-ca FILE or the relay-ca setting (a PEM file of the relay's CA)"
            return [.fail("relay", error.description, fix: fix), lastClock(home: home, relay: relay, why: "not checked")]
        }
        let measured: Result<ClockProbe.Measurement, SyncError> = AsyncBridge.runValue {
            defer { Task { await client.shutdown() } }
            do { return .success(try await ClockProbe.measure(client: client, samples: 5, deadline: .seconds(10))) } catch {
                return .failure(SyncError.from(error))
            }
        }
        switch measured {
        case .failure(let error):
            return [.fail("relay", "\(relay) cannot be used: \(error.description)", fix: fix(for: error)),
                    lastClock(home: home, relay: relay, why: "the relay cannot be reached")]
        case .success(let measurement):
            try? ClockReading(relay: client.relay, estimate: measurement.estimate, source: "health", clock: measurement.clock)
                .save(home: home)
            return [
                .ok("relay", "\(client.relay) answers (registration \(measurement.registration), round trip \(measurement.roundTripMs) ms)"),
                tls(endpoint, caFile: caFile),
                clock(measurement),
            ]
        }
    }

    static func tls(_ endpoint: RelayEndpoint, caFile: String?) -> DoctorFinding {
        if endpoint.usesTLS {
            let roots = caFile.map { "the system's CAs and \($0)" } ?? "the system's CAs"
            return .ok("tls", "the certificate of \(endpoint.host) was verified against \(roots)")
        }
        if endpoint.isLoopback {
            return .ok("tls", "plain HTTP on loopback: nothing leaves this computer")
        }
        return .warn("tls", "plain HTTP over the network (--insecure-relay): answers can be read and changed on the way",
                     fix: "serve the relay over https (--tls-cert and --tls-key, or behind a TLS proxy)")
    }

    static func clock(_ measurement: ClockProbe.Measurement) -> DoctorFinding {
        let estimate = measurement.estimate
        var detail = "±\(ClockDrift.duration(estimate.uncertaintyMs)), \(estimate.samples) samples"
        if !estimate.consistent { detail += ", inconsistent: the clock moved while measuring" }
        if let date = measurement.dateEstimate,
           abs(date.offsetMs - estimate.offsetMs) > date.uncertaintyMs + estimate.uncertaintyMs + 1000 {
            detail += "; the relay's Date header disagrees (\(ClockDrift.duration(date.offsetMs)))"
        }
        let text = "this computer's clock is \(ClockDrift.describe(offsetMs: estimate.offsetMs)) (\(detail))"
        switch ClockDrift.level(offsetMs: estimate.offsetMs, uncertaintyMs: estimate.uncertaintyMs) {
        case .ok: return .ok("clock", text)
        case .warn: return .warn("clock", text, fix: fixNTP)
        case .fail: return .fail("clock", text + ": TOTP codes will be refused", fix: fixNTP)
        }
    }

    /// The clock finding when the relay could not be asked: what was last measured.
    static func lastClock(home: VaultHome, relay: String, why: String) -> DoctorFinding {
        guard let reading = ClockReading.load(home: home), reading.relay == relay else {
            return .warn("clock", "not measured (\(why)) and never measured before", fix: "run 'twofold doctor' again when the relay can be reached")
        }
        let current = reading.current(at: .now())
        let text = "not measured now (\(why)); \(ClockDrift.describe(ageMs: current.ageMs)) it was \(ClockDrift.describe(offsetMs: current.offsetMs))"
        if ClockDrift.isOff(offsetMs: current.offsetMs, uncertaintyMs: current.uncertaintyMs) {
            return .fail("clock", text, fix: fixNTP)
        }
        return .warn("clock", text, fix: "run 'twofold doctor' again when the relay can be reached")
    }

    static func fix(for error: SyncError) -> String {
        switch error.code {
        case "tls_failed":
            return "for a relay with a self-signed certificate pass --relay-ca FILE; check the relay's certificate and this computer's date"
        case "relay_unreachable", "relay_timeout":
            return "check the network, HTTPS_PROXY, and that the relay runs at that address ('twofold relay set URL' changes it)"
        default:
            return "check that the address is a Twofold relay ('twofold relay set URL' changes it)"
        }
    }
}
