/// A problem in a `matches regex` pattern, at a character offset of the pattern.
struct RegexError: Error, Sendable {
    var message: String
    var offset: Int
}

/// A set of characters: ranges of Unicode scalar values, maybe negated.
struct RegexCharSet: Sendable {
    var ranges: [ClosedRange<UInt32>] = []
    var negated = false

    func contains(_ value: UInt32, caseless: Bool) -> Bool {
        var found = ranges.contains { $0.contains(value) }
        if !found, caseless, let other = RegexCharSet.otherCase(value) {
            found = ranges.contains { $0.contains(other) }
        }
        return found != negated
    }

    static func otherCase(_ value: UInt32) -> UInt32? {
        if value >= 0x41, value <= 0x5A { return value + 32 }
        if value >= 0x61, value <= 0x7A { return value - 32 }
        return nil
    }

    static let digit = RegexCharSet(ranges: [0x30...0x39])
    static let word = RegexCharSet(ranges: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    static let space = RegexCharSet(ranges: [0x09...0x0D, 0x20...0x20])
}

/// A parsed pattern.
indirect enum RegexNode: Sendable {
    case empty
    case literal(UInt32)
    case any
    case set(RegexCharSet)
    case begin
    case end
    case wordBoundary(Bool)
    case concat([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
}

/// Parses RE2-style syntax: literals, `.`, classes `[a-z]` `[^...]`, `\d \w \s \D \W \S \b \B`,
/// escapes, `* + ? {m} {m,} {m,n}` (and lazy `?` forms), `|`, groups `(...)` `(?:...)`
/// `(?P<name>...)`, `^ $` and a leading `(?i)`. Backreferences and lookaround are refused: the
/// engine runs in time linear in the subject.
struct RegexParser {
    static let maxDepth = 100
    static let maxRepeat = 1_000

    let pattern: [UInt32]
    var index = 0
    var depth = 0
    var caseless = false

    init(_ text: String) {
        pattern = text.unicodeScalars.map(\.value)
    }

    func error(_ message: String, _ at: Int? = nil) -> RegexError {
        RegexError(message: message, offset: at ?? index)
    }

    var atEnd: Bool { index >= pattern.count }
    func peek(_ ahead: Int = 0) -> UInt32? { index + ahead < pattern.count ? pattern[index + ahead] : nil }

    mutating func parse() throws(RegexError) -> RegexNode {
        if Array(pattern.prefix(4)) == Array("(?i)".unicodeScalars.map(\.value)) {
            caseless = true
            index = 4
        }
        let node = try alternation()
        guard atEnd else { throw error("unbalanced ')'") }
        return node
    }

    mutating func alternation() throws(RegexError) -> RegexNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw error("the pattern is nested too deeply") }
        var branches = [try sequence()]
        while peek() == 0x7C {
            index += 1
            branches.append(try sequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    mutating func sequence() throws(RegexError) -> RegexNode {
        var items: [RegexNode] = []
        while let next = peek(), next != 0x7C, next != 0x29 {
            var atom = try self.atom()
            atom = try quantified(atom)
            items.append(atom)
        }
        return items.isEmpty ? .empty : items.count == 1 ? items[0] : .concat(items)
    }

    mutating func quantified(_ atom: RegexNode) throws(RegexError) -> RegexNode {
        var node = atom
        while let next = peek() {
            let start = index
            var bounds: (Int, Int?)
            switch next {
            case 0x2A: bounds = (0, nil)
            case 0x2B: bounds = (1, nil)
            case 0x3F: bounds = (0, 1)
            case 0x7B:
                guard let parsed = try braces() else { return node }
                bounds = parsed
            default: return node
            }
            index += 1
            var greedy = true
            if peek() == 0x3F {
                greedy = false
                index += 1
            } else if peek() == 0x2B {
                throw error("possessive quantifiers are not supported")
            }
            if case .begin = node { throw error("nothing to repeat", start) }
            node = .repetition(node, min: bounds.0, max: bounds.1, greedy: greedy)
        }
        return node
    }

    /// `{m}`, `{m,}`, `{m,n}`; nil (a literal `{`) when it is not one of these. Leaves `index` on
    /// the closing brace.
    mutating func braces() throws(RegexError) -> (Int, Int?)? {
        let start = index
        var position = index + 1
        func number() -> Int? {
            var value = 0
            var digits = 0
            while position < pattern.count, pattern[position] >= 0x30, pattern[position] <= 0x39, digits < 6 {
                value = value * 10 + Int(pattern[position] - 0x30)
                position += 1
                digits += 1
            }
            return digits > 0 ? value : nil
        }
        guard let low = number() else { return nil }
        var high: Int? = low
        if position < pattern.count, pattern[position] == 0x2C {
            position += 1
            high = number()
        }
        guard position < pattern.count, pattern[position] == 0x7D else { return nil }
        guard low <= Self.maxRepeat, (high ?? 0) <= Self.maxRepeat else {
            throw error("a repetition count is larger than \(Self.maxRepeat)", start)
        }
        if let high, high < low { throw error("a repetition {m,n} needs m <= n", start) }
        index = position
        return (low, high)
    }

    mutating func atom() throws(RegexError) -> RegexNode {
        guard let next = peek() else { throw error("unexpected end of the pattern") }
        let start = index
        index += 1
        switch next {
        case 0x2E: return .any
        case 0x5E: return .begin
        case 0x24: return .end
        case 0x5B: return .set(try charClass())
        case 0x5C: return try escape(inClass: false).node
        case 0x28:
            if peek() == 0x3F {
                let kind = peek(1)
                if kind == 0x3A {
                    index += 2
                } else if kind == 0x50 || (kind == 0x3C && peek(2) != 0x3D && peek(2) != 0x21) {
                    // (?P<name>...) or (?<name>...)
                    while let character = peek(), character != 0x3E { index += 1 }
                    guard peek() == 0x3E else { throw error("unterminated group name", start) }
                    index += 1
                } else if kind == 0x3D || kind == 0x21 || kind == 0x3C {
                    throw error("lookaround assertions are not supported", start)
                } else {
                    throw error("unsupported group flag; only (?i) at the start, (?:...) and (?P<name>...)", start)
                }
            }
            let inner = try alternation()
            guard peek() == 0x29 else { throw error("missing ')'", start) }
            index += 1
            return inner
        case 0x2A, 0x2B, 0x3F: throw error("nothing to repeat", start)
        default: return .literal(next)
        }
    }

    /// After a backslash.
    mutating func escape(inClass: Bool) throws(RegexError) -> (node: RegexNode, set: RegexCharSet?) {
        guard let next = peek() else { throw error("a pattern cannot end with '\\'") }
        let start = index - 1
        index += 1
        switch next {
        case 0x64: return (.set(.digit), .digit)
        case 0x77: return (.set(.word), .word)
        case 0x73: return (.set(.space), .space)
        case 0x44:
            var set = RegexCharSet.digit
            set.negated = true
            return (.set(set), set)
        case 0x57:
            var set = RegexCharSet.word
            set.negated = true
            return (.set(set), set)
        case 0x53:
            var set = RegexCharSet.space
            set.negated = true
            return (.set(set), set)
        case 0x62 where !inClass: return (.wordBoundary(true), nil)
        case 0x42 where !inClass: return (.wordBoundary(false), nil)
        case 0x6E: return (.literal(0x0A), nil)
        case 0x74: return (.literal(0x09), nil)
        case 0x72: return (.literal(0x0D), nil)
        case 0x31...0x39: throw error("backreferences are not supported", start)
        default:
            let isWord =
                (next >= 0x30 && next <= 0x39) || (next >= 0x41 && next <= 0x5A) || (next >= 0x61 && next <= 0x7A)
            guard !isWord else {
                throw error("unknown escape '\\\(Unicode.Scalar(next).map(String.init) ?? "?")'", start)
            }
            return (.literal(next), nil)
        }
    }

    /// After `[`.
    mutating func charClass() throws(RegexError) -> RegexCharSet {
        let start = index - 1
        var set = RegexCharSet()
        if peek() == 0x5E {
            set.negated = true
            index += 1
        }
        var first = true
        while true {
            guard let next = peek() else { throw error("missing ']'", start) }
            if next == 0x5D, !first {
                index += 1
                return set
            }
            first = false
            index += 1
            var low = next
            if next == 0x5C {
                let escaped = try escape(inClass: true)
                if let inner = escaped.set {
                    if inner.negated {
                        set.ranges.append(contentsOf: Self.complement(inner.ranges))
                    } else {
                        set.ranges.append(contentsOf: inner.ranges)
                    }
                    continue
                }
                guard case .literal(let value) = escaped.node else { continue }
                low = value
            }
            if peek() == 0x2D, let after = peek(1), after != 0x5D {
                index += 2
                var high = after
                if after == 0x5C {
                    guard case .literal(let value) = try escape(inClass: true).node else {
                        throw error("a class range cannot end in a class escape")
                    }
                    high = value
                }
                guard low <= high else { throw error("a class range is reversed") }
                set.ranges.append(low...high)
            } else {
                set.ranges.append(low...low)
            }
        }
    }

    static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = max(next, range.upperBound + 1)
        }
        if next <= 0x10FFFF { result.append(next...0x10FFFF) }
        return result
    }
}
