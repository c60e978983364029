import GRDB
import PostgresNIO
import Testing
import TwofoldProtocol
@testable import TwofoldRelay

/// A store that cannot take a write for lack of resources is refused as 503 `unavailable`
/// with `Retry-After`, not as a 500 that calls it a relay bug (README, "Fault injection";
/// the end-to-end SQLite case is
/// `DaemonEndToEndTests/FaultInjectionTests/aFullRelayDiskGivesClearErrorsAndLosesNothing`).
@Suite struct StoreFailureTests {
    @Test func aFullDiskIsUnavailableWithRetryAfter() throws {
        let refusal = try #require(RelayError.storeFailure(DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full")))
        #expect(refusal.code == .unavailable)
        #expect(refusal.retryAfterSeconds == 5)
        #expect(refusal.message.contains("storage is full"))
        #expect(refusal.details.contains { $0.key == "retry_after_s" })
    }

    @Test func otherStoreErrorsAreNotMapped() {
        #expect(RelayError.storeFailure(DatabaseError(resultCode: .SQLITE_CONSTRAINT)) == nil)
        #expect(RelayError.storeFailure(CancellationError()) == nil)
        // The log names SQLite's own error; PostgreSQL's is shown by the route test's log.
        #expect(RelayError.logDescription(DatabaseError(resultCode: .SQLITE_FULL)).contains("full"))
    }

    /// PostgreSQL's refusals of class 53, raised by the real server inside the relay's own
    /// push transaction: a trigger on the record table raises them, because a cluster whose
    /// disk is really full cannot be made without privileges (the SQLite case fills a real
    /// tmpfs). The push is refused in one line with `Retry-After`, nothing of the batch is
    /// committed (records and head), and once the cause is gone the same push lands.
    @Test(.enabled(if: PostgresTestServer.url != nil),
          arguments: [("disk_full", "storage is full"), ("out_of_memory", "SQLSTATE 53200"), ("too_many_connections", "SQLSTATE 53300")])
    func postgresShortOfResourcesRefusesThePushAndCommitsNothing(condition: String, says: String) async throws {
        try await RelayHarness().run(Mode(transport: .live, backend: .postgres)) { client in
            let account = try await client.createAccount()
            let postgres = try #require(client.store as? PostgresRelayStore)
            let logger = PostgresTestServer.logger
            try await postgres.client.query(PostgresQuery(unsafeSQL: """
                CREATE FUNCTION refuse_record() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'injected by StoreFailureTests' USING ERRCODE = '\(condition)'; END $$
                """), logger: logger)
            try await postgres.client.query(
                "CREATE TRIGGER refuse_record BEFORE INSERT OR UPDATE ON record FOR EACH ROW EXECUTE FUNCTION refuse_record()",
                logger: logger)
            let writes = (0..<3).map { _ in write(RecordID.random(), version: version(1 << 16, account.device.id), expected: nil) }
            let refused = try await client.push(account, writes: writes, counter: 1, expected: nil)
            #expect(refused.status == 503, "\(refused.text)")
            #expect(refused.code == "unavailable")
            #expect(refused.headers[.retryAfter] == "5")
            let message = refused.json["error"]?["message"]?.string ?? ""
            #expect(message.contains(says) && message.contains("nothing was written") && !message.contains("\n"), "\(message)")
            #expect(!message.contains("injected"), "the server's own text stays in the relay's log")
            // Nothing of the batch was committed, the head included; reads still work.
            let during = try await client.get("/v1/records?after=0", token: account.token)
            #expect(during.status == 200)
            #expect(during["latest_seq"] == .int(0))
            #expect(try await client.get("/v1/head", token: account.token)["head"] == .null)
            // The cause gone, the same push lands whole.
            try await postgres.client.query("DROP TRIGGER refuse_record ON record", logger: logger)
            let landed = try await client.push(account, writes: writes, counter: 1, expected: nil)
            #expect(landed.status == 200, "\(landed.text)")
            let after = try await client.get("/v1/records?after=0", token: account.token)
            #expect(after["records"]?.array?.count == 3)
            #expect(after["head"]?["counter"] == .int(1))
        }
    }
}
