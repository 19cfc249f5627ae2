import Foundation

// runbook-fuzz: a mutation fuzzer for the runbook and automation-file loaders, the parsers of
// machine-folder artefacts (.reg exports, dpkg status, systemd units), KQL queries over a store
// with rows, and the API's request bodies through the route handlers.
//
//   runbook-fuzz [--cases N] [--seed S] [--target NAME] [--corpus DIR] [--time-limit SECONDS]
//                [--memory-limit MB]
//   runbook-fuzz --target NAME --replay FILE [--seed-name SEED]
//
// Each case mutates a seed from the corpus (Fuzz/corpus/TARGET/) with the dictionary
// (Fuzz/dictionary.txt), or with the target's own grammar-aware mutator, and feeds it to the
// target. Before each case the input is written to .build/fuzz-last-input (and which target
// and seed made it to .build/fuzz-last-input.case), so a trap leaves its reproducer behind.
// Exit 0: no finding; 2: a hang; 3: a memory blow-up; a trap ends the process with a signal.

guard let options = FuzzOptions(arguments: Array(CommandLine.arguments.dropFirst())).parsed() else { exit(64) }

let corpusRoot = options.corpus
let dictionary = FuzzCorpus.dictionary(at: corpusRoot + "/../dictionary.txt")
let mutator = Mutator(dictionary: dictionary)
let watchdog = Watchdog(limit: options.timeLimit, memoryLimitMB: options.memoryLimitMB)
let lastInput = options.lastInputPath
var random = SeededGenerator(seed: options.seed)
var slowest: (target: String, seconds: Double) = ("", 0)
let targets = FuzzTargets.all.filter { options.target == nil || $0.name == options.target }
guard !targets.isEmpty else {
    FileHandle.standardError.write(
        Data("fuzz: no target '\(options.target ?? "")'; one of: \(FuzzTargets.all.map(\.name))\n".utf8))
    exit(64)
}

if let replay = options.replay {
    guard options.target != nil, let target = targets.first,
        let bytes = FileManager.default.contents(atPath: replay).map(Array.init)
    else {
        FileHandle.standardError.write(Data("fuzz: --replay needs --target NAME and a readable file\n".utf8))
        exit(64)
    }
    let seedName = options.seedName ?? (replay as NSString).lastPathComponent
    watchdog.begin("\(target.name) replay of \(replay)")
    target.run(bytes, seedName)
    watchdog.end()
    print("fuzz: \(target.name) ran \(replay) (seed name \(seedName)): no crash, no hang")
    exit(0)
}

var casesRun = 0
for target in targets {
    let seeds = FuzzCorpus.seeds(at: corpusRoot + "/" + target.corpus)
    guard !seeds.isEmpty else {
        FileHandle.standardError.write(Data("fuzz: no seeds in \(corpusRoot)/\(target.corpus)\n".utf8))
        exit(66)
    }
    let cases = max(1, options.cases / targets.count)
    for index in 0..<cases {
        let seed = seeds[index % seeds.count]
        // The seeds themselves first, unmutated; then mutations.
        let input: [UInt8]
        if index < seeds.count {
            input = seed.bytes
        } else if let grammar = target.grammar {
            input = grammar.mutate(seed.bytes, using: &random, bytes: mutator)
        } else {
            input = mutator.mutate(seed.bytes, using: &random)
        }
        _ = FileManager.default.createFile(atPath: lastInput, contents: Data(input))
        _ = FileManager.default.createFile(
            atPath: lastInput + ".case",
            contents: Data(
                ("target \(target.name), case \(index) of seed \(options.seed), made from \(seed.name)\n"
                    + "replay: scripts/fuzz.sh --target \(target.name) --replay \(lastInput) --seed-name \(seed.name)\n")
                    .utf8))
        watchdog.begin("\(target.name) case \(index) (from \(seed.name))")
        let start = Date()
        target.run(input, seed.name)
        let seconds = Date().timeIntervalSince(start)
        watchdog.end()
        if seconds > slowest.seconds { slowest = (target.name, seconds) }
        casesRun += 1
    }
}
print(
    "fuzz: \(casesRun) cases over \(targets.count) targets, seed \(options.seed): no crash, no hang "
        + "(slowest case \(String(format: "%.3f", slowest.seconds)) s, \(slowest.target); "
        + "peak resident \(max(watchdog.peakMB, (Watchdog.residentBytes() ?? 0) >> 20)) MB)")
try? FileManager.default.removeItem(atPath: MachineFolderTargets.scratch)
