import Foundation

/// Command-line options; a hand parser keeps the fuzzer free of dependencies beyond its targets.
struct FuzzOptions {
    var arguments: [String]
    var cases = 2000
    var seed: UInt64 = 1
    var target: String?
    var corpus = "Fuzz/corpus"
    var timeLimit: TimeInterval = 20
    /// Resident memory, in MB, past which the run stops (a blow-up).
    var memoryLimitMB = 2048
    var lastInputPath = ".build/fuzz-last-input"
    /// One input to run once (with `--target`), as a finding's last-input file holds it.
    var replay: String?
    /// The seed the replayed input was made from: the API target picks its route by it.
    var seedName: String?

    init(arguments: [String]) { self.arguments = arguments }

    func parsed() -> FuzzOptions? {
        var result = self
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { return usage("\(flag) needs a value") }
            switch flag {
            case "--cases":
                guard let number = Int(value), number > 0 else { return usage("--cases takes a positive number") }
                result.cases = number
            case "--seed":
                guard let number = UInt64(value) else { return usage("--seed takes a number") }
                result.seed = number
            case "--target": result.target = value
            case "--corpus": result.corpus = value
            case "--last-input": result.lastInputPath = value
            case "--time-limit":
                guard let number = Double(value), number > 0, number < 3600 else {
                    return usage("--time-limit takes seconds, 0 to 3600")
                }
                result.timeLimit = number
            case "--memory-limit":
                guard let number = Int(value), number >= 64, number <= 1 << 20 else {
                    return usage("--memory-limit takes megabytes, 64 to 1048576")
                }
                result.memoryLimitMB = number
            case "--replay": result.replay = value
            case "--seed-name": result.seedName = value
            default: return usage("unknown option \(flag)")
            }
        }
        return result
    }

    private func usage(_ message: String) -> FuzzOptions? {
        FileHandle.standardError.write(
            Data(
                ("fuzz: \(message)\nusage: runbook-fuzz [--cases N] [--seed S] [--target NAME] [--corpus DIR] "
                    + "[--time-limit SECONDS] [--memory-limit MB] [--last-input FILE]\n"
                    + "       runbook-fuzz --target NAME --replay FILE [--seed-name SEED]\n").utf8))
        return nil
    }
}

enum FuzzCorpus {
    /// Seed files of one target with their names, sorted by name so that a seed gives the
    /// same run everywhere.
    static func seeds(at folder: String) -> [(name: String, bytes: [UInt8])] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().compactMap { name in
            FileManager.default.contents(atPath: folder + "/" + name).map { (name, Array($0)) }
        }
    }

    /// One word per line; `\n`, `\t`, `\0` and `\xHH` escapes let a word hold any byte.
    static func dictionary(at path: String) -> [[UInt8]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { unescape(String($0)) }
    }

    static func unescape(_ word: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var characters = Array(word.utf8)[...]
        while let byte = characters.popFirst() {
            guard byte == UInt8(ascii: "\\"), let next = characters.popFirst() else {
                bytes.append(byte)
                continue
            }
            switch next {
            case UInt8(ascii: "n"): bytes.append(10)
            case UInt8(ascii: "t"): bytes.append(9)
            case UInt8(ascii: "0"): bytes.append(0)
            case UInt8(ascii: "x"):
                let hex = String(decoding: characters.prefix(2), as: UTF8.self)
                characters = characters.dropFirst(2)
                bytes.append(UInt8(hex, radix: 16) ?? 0)
            default: bytes.append(next)
            }
        }
        return bytes
    }
}
