import Foundation

/// A tree of files with mixed sizes (1 KiB to 1 MiB, most of them small, as in /etc or /usr),
/// deterministic for a given count.
enum TreeGenerator {
    static func generate(into folder: String, count: Int) throws {
        var generator = SplitMix(seed: 42)
        let block = [UInt8]((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
        var total = 0
        for index in 0..<count {
            let directory = "\(folder)/data/d\(index / 1000)"
            if index % 1000 == 0 {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            // 90% 1-8 KiB, 9% 8-128 KiB, 1% 128 KiB-1 MiB.
            let roll = generator.next() % 100
            let size: Int
            switch roll {
            case 0..<90: size = 1024 + Int(generator.next() % (7 * 1024))
            case 90..<99: size = 8 * 1024 + Int(generator.next() % (120 * 1024))
            default: size = 128 * 1024 + Int(generator.next() % (896 * 1024))
            }
            let offset = Int(generator.next() % UInt64(block.count - size))
            let descriptor = open("\(directory)/f\(index)", O_CREAT | O_WRONLY | O_TRUNC, 0o644)
            guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
            _ = block.withUnsafeBytes { raw in
                write(descriptor, UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + size)]).baseAddress, size)
            }
            close(descriptor)
            total += size
        }
        print("generated \(count) files, \(total / 1_048_576) MiB")
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
