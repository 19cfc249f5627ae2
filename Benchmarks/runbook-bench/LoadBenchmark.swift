import Automation
import CYAML
import Foundation

enum LoadBenchmark {
    static func run(folder: String, rounds: Int) throws {
        let paths = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
            .sorted()
            .map { (folder as NSString).appendingPathComponent($0) }
        guard !paths.isEmpty else { throw BenchError.empty(folder) }
        var raw: [Double] = []
        var loaded: [Double] = []
        // Interleaved rounds so both see the same cache and machine state.
        for _ in 0..<rounds {
            raw.append(try time { try rawEventLoop(paths) })
            loaded.append(try time { try loadAll(paths) })
        }
        let rawMedian = median(raw) / Double(paths.count)
        let loadMedian = median(loaded) / Double(paths.count)
        print("files \(paths.count) rounds \(rounds)")
        print(String(format: "raw libyaml event loop   %8.2f us/runbook", rawMedian * 1e6))
        print(String(format: "runbook load+validate    %8.2f us/runbook", loadMedian * 1e6))
        print(String(format: "ratio load/raw           %8.2fx", loadMedian / rawMedian))
    }

    /// The floor: read each file and pull every libyaml event, building nothing.
    static func rawEventLoop(_ paths: [String]) throws -> Int {
        var events = 0
        for path in paths {
            // The same read as the loader, so the ratio compares parsing work only.
            let bytes = try FileText.read(path: path, label: path, maxBytes: RunbookLoader.maxFileBytes)
            bytes.withUnsafeBufferPointer { buffer in
                var parser = yaml_parser_t()
                guard yaml_parser_initialize(&parser) == 1 else { return }
                defer { yaml_parser_delete(&parser) }
                yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
                var event = yaml_event_t()
                while yaml_parser_parse(&parser, &event) == 1 {
                    let done = event.type == YAML_STREAM_END_EVENT
                    yaml_event_delete(&event)
                    events += 1
                    if done { break }
                }
            }
        }
        return events
    }

    /// The product path: read, parse to located nodes, decode and validate, digest.
    static func loadAll(_ paths: [String]) throws -> Int {
        var steps = 0
        for path in paths {
            steps += try RunbookLoader.load(path: path).runbook.steps.count
        }
        return steps
    }

    static func yamlFiles(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
            .map { (folder as NSString).appendingPathComponent($0) }
    }

    static func time(_ work: () throws -> Int) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try work()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if result < 0 { print(result) }  // keeps the work observable
        return elapsed
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    enum BenchError: Error {
        case empty(String)
        case unreadable(String)
    }
}
