import Foundation

// runbook-fuzz: a mutation fuzzer for the runbook and automation-file loaders and the parsers
// of machine-folder artefacts (.reg exports, dpkg status, systemd units).
//
//   runbook-fuzz [--cases N] [--seed S] [--target NAME] [--corpus DIR] [--time-limit SECONDS]
//
// Each case mutates a seed from the corpus (Fuzz/corpus/TARGET/) with the dictionary
// (Fuzz/dictionary.txt) and feeds it to the target. Before each case the input is written to
// .build/fuzz-last-input, so a trap leaves its reproducer behind. Exit 0: no finding.

guard let options = FuzzOptions(arguments: Array(CommandLine.arguments.dropFirst())).parsed() else { exit(64) }

let corpusRoot = options.corpus
let dictionary = FuzzCorpus.dictionary(at: corpusRoot + "/../dictionary.txt")
let mutator = Mutator(dictionary: dictionary)
let watchdog = Watchdog(limit: options.timeLimit)
let lastInput = options.lastInputPath
var random = SeededGenerator(seed: options.seed)
var slowest: (target: String, seconds: Double) = ("", 0)
let targets = FuzzTargets.all.filter { options.target == nil || $0.name == options.target }
guard !targets.isEmpty else {
    FileHandle.standardError.write(
        Data("fuzz: no target '\(options.target ?? "")'; one of: \(FuzzTargets.all.map(\.name))\n".utf8))
    exit(64)
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
        let input = index < seeds.count ? seed : mutator.mutate(seed, using: &random)
        _ = FileManager.default.createFile(atPath: lastInput, contents: Data(input))
        watchdog.begin("\(target.name) case \(index)")
        let start = Date()
        target.run(input)
        let seconds = Date().timeIntervalSince(start)
        watchdog.end()
        if seconds > slowest.seconds { slowest = (target.name, seconds) }
        casesRun += 1
    }
}
print(
    "fuzz: \(casesRun) cases over \(targets.count) targets, seed \(options.seed): no crash, no hang "
        + "(slowest case \(String(format: "%.3f", slowest.seconds)) s, \(slowest.target))")
try? FileManager.default.removeItem(atPath: MachineFolderTargets.scratch)
