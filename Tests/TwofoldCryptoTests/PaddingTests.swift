import Testing
import TwofoldCrypto

@Suite struct PaddingTests {
    /// ISO/IEC 7816-4: 0x80 then zeros up to the block.
    @Test func knownBytes() throws {
        #expect(Padding.pad([1, 2, 3], blockSize: 8) == [1, 2, 3, 0x80, 0, 0, 0, 0])
        #expect(Padding.pad([], blockSize: 4) == [0x80, 0, 0, 0])
        // A full block gains a whole block of padding.
        #expect(Padding.pad([1, 2, 3, 4], blockSize: 4) == [1, 2, 3, 4, 0x80, 0, 0, 0])
    }

    @Test func roundTripAtEveryLength() throws {
        for length in 0...300 {
            let data = [UInt8](repeating: 0x80, count: length)
            let padded = Padding.pad(data, blockSize: 256)
            #expect(padded.count % 256 == 0 && padded.count > length)
            #expect(try Padding.unpad(padded, blockSize: 256) == data)
        }
    }

    @Test func malformedPaddingIsRefused() {
        #expect(throws: CryptoError.invalidPadding) { try Padding.unpad([UInt8](repeating: 0, count: 8), blockSize: 8) }
        #expect(throws: CryptoError.invalidPadding) { try Padding.unpad([1, 2, 0x80, 0, 0, 1, 0, 0], blockSize: 8) }
        #expect(throws: CryptoError.invalidPadding) { try Padding.unpad([1, 0x80, 0], blockSize: 8) }
        #expect(throws: CryptoError.invalidPadding) { try Padding.unpad([], blockSize: 8) }
    }
}

@Suite struct SecureBytesTests {
    @Test func holdsAndComparesBytes() {
        let a = SecureBytes([1, 2, 3])
        #expect(a.count == 3)
        #expect(a.copyBytes() == [1, 2, 3])
        #expect(a.withUnsafeBytes { Array($0) } == [1, 2, 3])
        #expect(a == SecureBytes([1, 2, 3]))
        #expect(a != SecureBytes([1, 2, 4]))
        #expect(a != SecureBytes([1, 2]))
        #expect(SecureBytes([]).count == 0)
    }

    @Test func randomIsRandom() {
        let a = SecureBytes.random(count: 32), b = SecureBytes.random(count: 32)
        #expect(a.count == 32 && a != b)
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
        #expect((0..<100).allSatisfy { _ in SecureRandom.uniform(10) < 10 })
    }

    @Test func constantTimeEquals() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([], []))
    }
}
