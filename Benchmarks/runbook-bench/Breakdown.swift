import Automation
import Foundation
import YAML

/// Where load time goes: reading, YAML tree, decoding and validation, digest.
enum Breakdown {
    static func run(folder: String, rounds: Int) throws {
        let paths = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
            .sorted()
            .map { (folder as NSString).appendingPathComponent($0) }
        let contents = try paths.map { try FileText.read(path: $0, label: $0, maxBytes: 1 << 20) }
        let count = Double(paths.count)
        var rows: [(String, [Double])] = [("read", []), ("yaml tree", []), ("decode+validate", []), ("full load", [])]
        for _ in 0..<rounds {
            rows[0].1.append(
                try LoadBenchmark.time {
                    try paths.reduce(0) { $0 + (try FileText.read(path: $1, label: $1, maxBytes: 1 << 20)).count }
                })
            rows[1].1.append(
                try LoadBenchmark.time { try contents.reduce(0) { $0 + ((try YAMLParser.parse($1)) == nil ? 0 : 1) } })
            rows[2].1.append(
                try LoadBenchmark.time {
                    try contents.reduce(0) { $0 + (try RunbookLoader.parse($1, label: "x")).steps.count }
                })
            rows[3].1.append(try LoadBenchmark.time { try LoadBenchmark.loadAll(paths) })
        }
        for (name, times) in rows {
            print(String(format: "%-18@ %8.2f us/runbook", name as NSString, LoadBenchmark.median(times) / count * 1e6))
        }
    }
}

extension Breakdown {
    /// Only the YAML tree, for profiling.
    static func tree(folder: String, rounds: Int) throws {
        try repeatOverCorpus(folder, rounds: rounds) { (try YAMLParser.parse($0)) == nil ? 0 : 1 }
    }

    /// Only parse + decode + validate from bytes in memory, for profiling.
    static func decode(folder: String, rounds: Int) throws {
        try repeatOverCorpus(folder, rounds: rounds) { try RunbookLoader.parse($0, label: "x").steps.count }
    }

    private static func repeatOverCorpus(_ folder: String, rounds: Int, _ work: ([UInt8]) throws -> Int) throws {
        let (_, contents) = try corpus(folder)
        var total = 0
        for _ in 0..<rounds {
            for bytes in contents { total += try work(bytes) }
        }
        print(total)
    }
}

extension Breakdown {
    static func corpus(_ folder: String) throws -> ([String], [[UInt8]]) {
        let paths = try LoadBenchmark.yamlFiles(in: folder)
        return (paths, try paths.map { try FileText.read(path: $0, label: $0, maxBytes: 1 << 20) })
    }
}
