import Foundation
import Gzip
import Testing

/// gzip with zlib: what is compressed inflates to the same bytes; a bomb, a truncated body and
/// garbage are refused in words, never held whole.
struct GzipTests {
    @Test(arguments: [0, 1, 511, 70_000, 1_000_003]) func roundTrips(size: Int) throws {
        let data = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 7) })
        let packed = Gzip.compress(data)
        #expect(packed.prefix(2) == Data([0x1f, 0x8b]))
        #expect(try Gzip.decompress(packed, maxBytes: size + 1) == data)
    }

    @Test func aBombIsRefusedAtTheCap() {
        let packed = Gzip.compress(Data(count: 50_000_000))
        #expect(packed.count < 100_000)
        #expect(throws: Gzip.Failure.tooLarge(1_000_000)) { try Gzip.decompress(packed, maxBytes: 1_000_000) }
    }

    @Test func truncatedAndGarbageBodiesAreRefused() {
        let packed = Gzip.compress(Data(repeating: 7, count: 100_000))
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(packed.prefix(packed.count / 2), maxBytes: 1 << 20) }
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(Data("not gzip".utf8), maxBytes: 1 << 20) }
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(Data(), maxBytes: 1 << 20) }
    }
}
