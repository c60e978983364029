import GRDB
import Testing
@testable import TwofoldRelay

/// A store whose disk is full is refused as 503 `unavailable` with `Retry-After`, not as a
/// 500 that calls it a relay bug (README, "Fault injection"; the end-to-end case is
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
    }
}
