import Hummingbird
import TwofoldCrypto

extension RelayRoutes {
    /// `GET /v1/health` [API-29] and `GET /metrics` [API-30].
    func addService(to router: Router<Context>) {
        router.get("v1/health") { _, _ -> Response in
            do {
                try await relay.store.ping()
            } catch {
                relay.logger.error("store does not answer", metadata: ["error": "\(error)"])
                throw RelayError.unavailable()
            }
            return relay.json(.obj([
                "status": .string("ok"), "api_version": .int(1), "time_ms": .int(relay.clock.nowMs),
                "registration": .string(relay.configuration.registration.rawValue),
                "relay_version": .string(TwofoldRelayVersion.current),
            ]))
        }
        router.get("metrics") { request, _ -> Response in
            if let expected = relay.configuration.metricsToken {
                let given = request.headers[.authorization].flatMap(Authenticator.bearer) ?? ""
                guard ConstantTime.equals(Array(given.utf8), Array(expected.utf8)) else {
                    throw RelayError(.metricsUnauthorized, "/metrics needs the metrics token: send Authorization: Bearer <metrics-token>")
                }
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: relay.metrics.render())))
        }
    }
}
