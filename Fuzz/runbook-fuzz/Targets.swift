import Automation
import Foundation

/// One parser under attack: its corpus folder, its own grammar-aware mutation (if any) and what
/// to do with one input. A target returns normally for any input it refuses with an error; only
/// a trap, a hang or a blow-up is a finding.
struct FuzzTarget: Sendable {
    var name: String
    var corpus: String
    /// Mutations that know the input's language (KQL, JSON), mixed with the byte mutator's;
    /// nil: byte mutations only.
    var grammar: (any GrammarMutator)? = nil
    /// Runs one input; `seed` is the name of the corpus file it was made from (the API target
    /// picks its route by it).
    var run: @Sendable (_ bytes: [UInt8], _ seed: String) -> Void
}

/// A target's own mutator: given a seed, makes one input. `bytes` is the byte mutator, for
/// the rounds a grammar mutator leaves to it.
protocol GrammarMutator: Sendable {
    func mutate(_ seed: [UInt8], using random: inout SeededGenerator, bytes: Mutator) -> [UInt8]
}

enum FuzzTargets {
    static let reference = Date(timeIntervalSince1970: 1_795_000_000)

    static let all: [FuzzTarget] =
        [
            FuzzTarget(name: "runbook", corpus: "runbook") { bytes, _ in
                _ = try? RunbookLoader.parse(bytes, label: "fuzz.yaml")
            },
            FuzzTarget(name: "automation-file", corpus: "automation") { bytes, _ in
                guard let file = try? AutomationFile.parse(bytes, label: "fuzz.yaml", baseFolder: "/nonexistent") else {
                    return
                }
                // Schedules that load must also compute: the next fires are where bounds trap.
                for schedule in file.schedules {
                    _ = schedule.recurrence.preview(after: reference, count: 3)
                }
            },
            FuzzTarget(name: "duration", corpus: "duration") { bytes, _ in
                _ = DurationText.parse(String(decoding: bytes, as: UTF8.self))
            },
        ] + MachineFolderTargets.all + [KQLTarget.target, APIBodyTarget.target]
}

/// Runs async work to completion from the synchronous fuzz loop: a task on Swift's pool, the
/// loop's thread waiting on a semaphore (it is not one of the pool's threads).
func blocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task {
        box.value = await work()
        done.signal()
    }
    done.wait()
    guard let value = box.value else { fatalError("fuzz: the awaited work left no result") }
    return value
}

/// The result of one `blocking` call, handed from the task to the waiting thread (the
/// semaphore orders the write before the read).
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
