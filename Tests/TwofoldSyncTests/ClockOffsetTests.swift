import Foundation
import Testing
import TwofoldVault
@testable import TwofoldSync

/// Clock offset estimation, the drift thresholds and the persisted reading
/// (Protocol/sync.md, "Clock offset"; README, "My codes are rejected").
@Suite("Clock offset")
struct ClockOffsetTests {
    /// A sample of a relay whose clock is `offset` ms ahead, read `delay` ms after sending,
    /// answered after `rtt` ms.
    func sample(sent: Int64, rtt: Int64, offset: Int64, delay: Int64, resolution: Int64) -> ClockSample {
        let trueRelay = sent + delay + offset
        return ClockSample(sentMs: sent, receivedMs: sent + rtt, relayMs: trueRelay - trueRelay % resolution,
                           resolutionMs: resolution)
    }

    @Test func aPreciseReadingIsTheMidpointOfTheRoundTrip() throws {
        // Relay 90 s ahead, read 30 ms into a 40 ms round trip.
        let estimate = try #require(OffsetEstimator.estimate([sample(sent: 1_000_000, rtt: 40, offset: 90_000, delay: 30, resolution: 1)]))
        #expect(estimate.offsetMs == 90_010)  // the midpoint: wrong by 20 ms at most, and says so
        #expect(estimate.uncertaintyMs == 21)
        #expect(abs(estimate.offsetMs - 90_000) <= estimate.uncertaintyMs)
        #expect(estimate.consistent && estimate.samples == 1 && estimate.measuredMs == 1_000_040)
    }

    @Test func moreSamplesNarrowTheIntervalAndAlwaysContainTheTruth() throws {
        var random = SystemRandomNumberGenerator()
        for trial in 0..<200 {
            let offset = Int64.random(in: -200_000...200_000, using: &random)
            let resolution: Int64 = trial % 2 == 0 ? 1 : 1000
            var samples: [ClockSample] = []
            var widths: [Int64] = []
            var sent = Int64(1_767_268_800_000) + Int64.random(in: 0...10_000, using: &random)
            for _ in 0..<8 {
                let rtt = Int64.random(in: 1...300, using: &random)
                samples.append(sample(sent: sent, rtt: rtt, offset: offset, delay: Int64.random(in: 0...rtt, using: &random),
                                      resolution: resolution))
                let estimate = try #require(OffsetEstimator.estimate(samples))
                #expect(estimate.consistent)
                #expect(abs(estimate.offsetMs - offset) <= estimate.uncertaintyMs, "trial \(trial): \(estimate) vs \(offset)")
                widths.append(estimate.uncertaintyMs)
                sent += rtt + Int64.random(in: 0...700, using: &random)
            }
            #expect(widths == widths.sorted(by: >=))  // never wider with more samples
        }
    }

    @Test func wholeSecondDatesAcrossASecondBoundaryPinTheOffset() throws {
        // A Date-only reading is ±(500 ms + half the round trip); samples that straddle the
        // relay's second boundary bound it much more closely.
        let one = try #require(OffsetEstimator.estimate([sample(sent: 5_000_100, rtt: 10, offset: 90_000, delay: 5, resolution: 1000)]))
        #expect(one.uncertaintyMs >= 500)
        let samples = stride(from: Int64(5_000_100), to: 5_002_100, by: 100).map {
            sample(sent: $0, rtt: 10, offset: 90_000, delay: 5, resolution: 1000)
        }
        let many = try #require(OffsetEstimator.estimate(samples))
        #expect(many.uncertaintyMs <= 60)
        #expect(abs(many.offsetMs - 90_000) <= many.uncertaintyMs)
    }

    @Test func aClockStepBetweenSamplesFallsBackToTheTightestSample() throws {
        let before = sample(sent: 1_000_000, rtt: 80, offset: 90_000, delay: 40, resolution: 1)
        // The local clock was set forward by 90 s: the relay is now level with it.
        let after = sample(sent: 1_100_000, rtt: 20, offset: 0, delay: 10, resolution: 1)
        let estimate = try #require(OffsetEstimator.estimate([before, after]))
        #expect(!estimate.consistent)
        #expect(abs(estimate.offsetMs) <= estimate.uncertaintyMs)
        #expect(estimate.uncertaintyMs <= 11)
        #expect(OffsetEstimator.estimate([]) == nil)
    }

    @Test func theWarningThresholdIsFiveSeconds() {
        #expect(!ClockDrift.isOff(offsetMs: 5_000))
        #expect(!ClockDrift.isOff(offsetMs: -5_000))
        #expect(ClockDrift.isOff(offsetMs: 5_001))
        #expect(ClockDrift.isOff(offsetMs: -5_001))
        #expect(ClockDrift.isOff(offsetMs: 90_000, uncertaintyMs: 600))
        #expect(!ClockDrift.isOff(offsetMs: 6_000, uncertaintyMs: 7_000))  // a reading that says nothing
        #expect(ClockDrift.level(offsetMs: 1_999, uncertaintyMs: 3) == .ok)
        #expect(ClockDrift.level(offsetMs: -2_001, uncertaintyMs: 3) == .warn)
        #expect(ClockDrift.level(offsetMs: 5_000, uncertaintyMs: 3) == .warn)
        #expect(ClockDrift.level(offsetMs: 5_001, uncertaintyMs: 3) == .fail)
        #expect(ClockDrift.level(offsetMs: 100, uncertaintyMs: 6_000) == .warn)
        #expect(ClockDrift.describe(offsetMs: 90_012) == "90.0 s behind the relay's")
        #expect(ClockDrift.describe(offsetMs: -5_250) == "5.3 s ahead of the relay's")
        #expect(ClockDrift.describe(offsetMs: 3_600_000) == "3600 s behind the relay's")
        let warning = ClockDrift.warning(offsetMs: 90_012, ageMs: 180_000)
        #expect(warning.contains("90.0 s behind") && warning.contains("3 min ago") && warning.contains("NTP")
            && warning.contains("--time-source relay") && !warning.contains("\n"))
    }

    @Test func aSteppedWallClockIsTakenOffTheStoredOffset() {
        let then = SystemClock(wallMs: 1_000_000, bootMs: 50_000, bootID: "boot-a")
        let reading = ClockReading(relay: "https://relay.example", estimate: ClockEstimate(
            offsetMs: 90_000, uncertaintyMs: 3, measuredMs: 1_000_000, samples: 5), source: "health", clock: then)
        // 60 s later, nothing changed.
        var now = reading.current(at: SystemClock(wallMs: 1_060_000, bootMs: 110_000, bootID: "boot-a"))
        #expect(now == .init(offsetMs: 90_000, uncertaintyMs: 3, ageMs: 60_000, stepMs: 0))
        // 60 s later, NTP stepped the clock forward by 90 s: it is now right.
        now = reading.current(at: SystemClock(wallMs: 1_150_000, bootMs: 110_000, bootID: "boot-a"))
        #expect(now.offsetMs == 0 && now.stepMs == 90_000 && now.ageMs == 60_000)
        // After a reboot nothing can be told: the stored offset stands, aged by the wall clock.
        now = reading.current(at: SystemClock(wallMs: 1_150_000, bootMs: 1_000, bootID: "boot-b"))
        #expect(now.offsetMs == 90_000 && now.stepMs == 0 && now.ageMs == 150_000)
    }

    @Test func theReadingIsKeptInAPrivateFileAndSurvivesARoundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-clock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let home = VaultHome(path: directory.path)
        #expect(ClockReading.load(home: home) == nil)
        let reading = ClockReading(relay: "http://127.0.0.1:8787", estimate: ClockEstimate(
            offsetMs: -4_321, uncertaintyMs: 2, measuredMs: 1, samples: 5), source: "health", clock: .now())
        try reading.save(home: home)
        #expect(ClockReading.load(home: home) == reading)
        var st = stat()
        #expect(stat(ClockReading.path(home: home), &st) == 0 && st.st_mode & 0o777 == 0o600)
        // A damaged file is no reading, never an error: the next measurement rewrites it.
        try Data("{\"version\":1,".utf8).write(to: URL(fileURLWithPath: ClockReading.path(home: home)))
        #expect(ClockReading.load(home: home) == nil)
    }
}
