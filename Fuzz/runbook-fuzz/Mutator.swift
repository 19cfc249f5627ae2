/// SplitMix64: a small, fast generator whose sequence is fixed by its seed, so a run with the
/// same seed and corpus mutates the same way on every machine.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Byte-level and line-level mutations of a seed input, biased towards what breaks parsers:
/// extreme numbers and durations, far dates, YAML anchors and aliases, path escapes, encodings.
struct Mutator {
    let dictionary: [[UInt8]]

    func mutate(_ seed: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = seed
        let rounds = Int.random(in: 1...4, using: &random)
        for _ in 0..<rounds {
            bytes = mutateOnce(bytes, using: &random)
        }
        return bytes
    }

    /// One byte-level or line-level change.
    func mutateOnce(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<9, using: &random) {
        case 0 where !bytes.isEmpty:
            bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
        case 1:
            bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
        case 2 where !bytes.isEmpty:
            let length = min(Int.random(in: 1...16, using: &random), bytes.count - position)
            bytes.removeSubrange(position..<(position + length))
        case 3, 4:
            // A dictionary word at a random place, or in place of the value after a colon.
            let word = dictionary.randomElement(using: &random) ?? []
            if let colon = bytes[position...].firstIndex(of: UInt8(ascii: ":")) {
                let end = bytes[colon...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                bytes.replaceSubrange((colon + 1)..<end, with: [UInt8(ascii: " ")] + word)
            } else {
                bytes.insert(contentsOf: word, at: position)
            }
        case 5:
            // A line repeated many times: deep lists, long key runs, quadratic parsers.
            let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            guard let line = lines.randomElement(using: &random) else { break }
            // At most about 4 MiB of copies: a long line (a KQL literal) is repeated fewer times.
            let copies = min(
                [2, 10, 1000, 20_000].randomElement(using: &random) ?? 2, max(1, (4 << 20) / (line.count + 1)))
            var block: [UInt8] = []
            block.reserveCapacity(copies * (line.count + 1))
            for _ in 0..<copies {
                block += line
                block.append(UInt8(ascii: "\n"))
            }
            let start = bytes[position...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.count
            bytes.insert(contentsOf: block, at: start)
        case 6 where bytes.count > 1:
            // A chunk of the input copied elsewhere.
            let start = Int.random(in: 0..<bytes.count, using: &random)
            let length = min(Int.random(in: 1...256, using: &random), bytes.count - start)
            bytes.insert(contentsOf: bytes[start..<(start + length)], at: position)
        case 7:
            // Whole-file encodings and framing.
            switch Int.random(in: 0..<4, using: &random) {
            case 0: bytes = [0xFF, 0xFE] + bytes.flatMap { [$0, 0] }
            case 1: bytes = [0xEF, 0xBB, 0xBF] + bytes
            case 2: bytes = Array(bytes.prefix(position))
            default: bytes.append(0)
            }
        default:
            // Digits made extreme.
            if let digit = bytes[position...].firstIndex(where: { (48...57).contains($0) }) {
                let extreme = ["9223372036854775807", "9223372036854775808", "-1", "0", "99999999999999999999"]
                bytes.insert(contentsOf: Array((extreme.randomElement(using: &random) ?? "0").utf8), at: digit)
            }
        }
        return bytes
    }
}
