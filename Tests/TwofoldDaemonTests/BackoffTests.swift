import Testing
import TwofoldSync
@testable import TwofoldDaemon

struct BackoffTests {
    @Test func delaysDoubleUpToTheMaximum() {
        let backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(8))
        #expect(backoff.ceiling(failures: 0) == .zero)
        #expect(backoff.ceiling(failures: 1) == .milliseconds(500))
        #expect(backoff.ceiling(failures: 2) == .seconds(1))
        #expect(backoff.ceiling(failures: 5) == .seconds(8))
        #expect(backoff.ceiling(failures: 1000) == .seconds(8))
    }

    @Test func jitterStaysBetweenHalfAndAllOfTheCeiling() {
        let backoff = Backoff(initial: .seconds(1), maximum: .seconds(60))
        #expect(backoff.delay(failures: 3, unit: 0) == .seconds(2))
        #expect(backoff.delay(failures: 3, unit: 1) == .seconds(4))
        for _ in 0..<100 {
            let d = backoff.delay(failures: 4)
            #expect(d >= .seconds(4) && d <= .seconds(8))
        }
    }

    @Test func durationsParseAsWritten() {
        #expect(DurationText.parse("900") == .seconds(900))
        #expect(DurationText.parse("15m") == .seconds(900))
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.parse("1d") == .seconds(86_400))
        #expect(DurationText.parse("x") == nil)
        #expect(DurationText.parse("-1s") == nil)
    }

    /// Every failure is retried after the backoff (issue 20: after a TLS failure the daemon
    /// waited for the next trigger), except those no retry mends.
    @Test func everyFailureButRevocationIsRetried() {
        #expect(SyncLoop.retries(after: .tls(relay: "https://r", reason: "the relay's certificate is not trusted by this device")))
        #expect(SyncLoop.retries(after: .unreachable(relay: "https://r", reason: "connection refused")))
        #expect(SyncLoop.retries(after: .certificateFile(path: "/ca.pem", reason: "no certificate in it")))
        #expect(SyncLoop.retries(after: .invalidResponse("x")))
        #expect(!SyncLoop.retries(after: .deviceRevoked))
        #expect(!SyncLoop.retries(after: .accountDeleted))
    }
}
