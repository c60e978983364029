import Hummingbird

/// The relay's routes (Protocol/relay-api.md, "Routes"; Protocol/openapi.yaml). Each
/// concern adds its own in `RelayRoutes+Concern.swift`.
struct RelayRoutes {
    typealias Context = RelayRequestContext
    let relay: Relay

    /// Adds every route to `router`: the open ones, then those behind ``AuthMiddleware``.
    func add(to router: Router<Context>) {
        router.add(middleware: ErrorMiddleware(relay: relay))
        addService(to: router)
        let open = router.group("v1")
        addAuth(to: open)
        addAccountCreation(to: open)
        addRecovery(to: open)
        addOpenLinking(to: open)
        let authed = router.group("v1").add(middleware: AuthMiddleware(relay: relay))
        addAccount(to: authed)
        addRecords(to: authed)
        addGrants(to: authed)
        addRotation(to: authed)
        addSnapshots(to: authed)
        addLinking(to: authed)
        addEvents(to: authed)
    }

    /// Applies the unauthenticated per-address rate limit.
    func limitUnauthenticated(_ request: Request, _ context: Context) throws {
        try relay.limitAddress("address", rule: relay.configuration.limits.addressRate, request, context)
    }
}
