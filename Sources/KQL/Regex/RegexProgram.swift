import GRDB

/// A pattern compiled for a Pike VM (a Thompson NFA simulation): matching costs
/// O(pattern × subject) whatever the pattern, so `(a+)+$` cannot backtrack catastrophically.
/// `matches` searches (like Kusto's `matches regex`, unanchored unless the pattern says `^`/`$`).
struct RegexProgram: Sendable {
    static let maxInstructions = 20_000

    enum Instruction: Sendable {
        case literal(UInt32)
        case any
        case set(RegexCharSet)
        case split(Int, Int)
        case jump(Int)
        case begin
        case end
        case wordBoundary(Bool)
        case match
    }

    private(set) var instructions: [Instruction] = []
    let caseless: Bool

    init(_ pattern: String) throws(RegexError) {
        var parser = RegexParser(pattern)
        let node = try parser.parse()
        caseless = parser.caseless
        try emit(node)
        instructions.append(.match)
    }

    private mutating func append(_ instruction: Instruction) throws(RegexError) -> Int {
        guard instructions.count < Self.maxInstructions else {
            throw RegexError(message: "the pattern is too large once its repetitions are expanded", offset: 0)
        }
        instructions.append(instruction)
        return instructions.count - 1
    }

    private mutating func emit(_ node: RegexNode) throws(RegexError) {
        switch node {
        case .empty: break
        case .literal(let value): _ = try append(.literal(value))
        case .any: _ = try append(.any)
        case .set(let set): _ = try append(.set(set))
        case .begin: _ = try append(.begin)
        case .end: _ = try append(.end)
        case .wordBoundary(let flag): _ = try append(.wordBoundary(flag))
        case .concat(let items):
            for item in items { try emit(item) }
        case .alternation(let branches):
            var jumps: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index < branches.count - 1 {
                    let split = try append(.split(0, 0))
                    try emit(branch)
                    jumps.append(try append(.jump(0)))
                    instructions[split] = .split(split + 1, instructions.count)
                } else {
                    try emit(branch)
                }
            }
            for jump in jumps { instructions[jump] = .jump(instructions.count) }
        case .repetition(let inner, let low, let high, let greedy):
            for _ in 0..<low { try emit(inner) }
            if let high {
                // Each optional copy: split over it; all skip to the end.
                var splits: [Int] = []
                for _ in low..<high {
                    splits.append(try append(.split(0, 0)))
                    try emit(inner)
                }
                for split in splits {
                    instructions[split] =
                        greedy ? .split(split + 1, instructions.count) : .split(instructions.count, split + 1)
                }
            } else {
                let split = try append(.split(0, 0))
                try emit(inner)
                _ = try append(.jump(split))
                instructions[split] =
                    greedy ? .split(split + 1, instructions.count) : .split(instructions.count, split + 1)
            }
        }
    }

    private static func isWord(_ value: UInt32) -> Bool {
        RegexCharSet.word.contains(value, caseless: false)
    }

    /// Thread steps between two looks at the budget: a look costs a clock read.
    static let stepsPerCheck = 1 << 16

    /// Whether the pattern occurs in `text`. The cost is the pattern's size times the text's
    /// length, so a long text looks at `budget` as it goes and stops when the query must.
    func matches(_ text: String, budget: KQLBudget? = nil) throws(DatabaseError) -> Bool {
        let subject = Array(text.unicodeScalars.map(\.value))
        let count = instructions.count
        var current = [Int]()
        var next = [Int]()
        current.reserveCapacity(count)
        next.reserveCapacity(count)
        var onCurrent = [Int](repeating: -1, count: count)
        var onNext = [Int](repeating: -1, count: count)
        var stack = [Int]()
        // Follows jumps, splits and assertions at `position`, adding the threads that consume.
        func add(_ start: Int, _ position: Int, _ list: inout [Int], _ mark: inout [Int]) -> Bool {
            stack.removeAll(keepingCapacity: true)
            stack.append(start)
            while let pc = stack.popLast() {
                guard mark[pc] != position else { continue }
                mark[pc] = position
                switch instructions[pc] {
                case .jump(let target): stack.append(target)
                case .split(let first, let second):
                    stack.append(second)
                    stack.append(first)
                case .begin: if position == 0 { stack.append(pc + 1) }
                case .end: if position == subject.count { stack.append(pc + 1) }
                case .wordBoundary(let wanted):
                    let before = position > 0 && Self.isWord(subject[position - 1])
                    let after = position < subject.count && Self.isWord(subject[position])
                    if (before != after) == wanted { stack.append(pc + 1) }
                case .match: return true
                default: list.append(pc)
                }
            }
            return false
        }
        var steps = 0
        for position in 0...subject.count {
            if add(0, position, &current, &onCurrent) { return true }
            steps += current.count + 1
            if steps >= Self.stepsPerCheck, let budget {
                steps = 0
                try budget.check()
            }
            guard position < subject.count else { break }
            let value = subject[position]
            next.removeAll(keepingCapacity: true)
            for pc in current {
                let accepted: Bool
                switch instructions[pc] {
                case .literal(let expected):
                    accepted = value == expected || (caseless && RegexCharSet.otherCase(value) == expected)
                case .any: accepted = value != 0x0A
                case .set(let set): accepted = set.contains(value, caseless: caseless)
                default: accepted = false
                }
                if accepted, add(pc + 1, position + 1, &next, &onNext) { return true }
            }
            swap(&current, &next)
            swap(&onCurrent, &onNext)
        }
        return false
    }
}
