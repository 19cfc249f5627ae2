import YAML

/// Typed reads of YAML nodes that report a located error instead of failing silently.
extension DiagnosticSink {
    mutating func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let text, _) = node.kind, case .string = node.resolvedScalar ?? .null else {
            if case .scalar = node.kind, let value = node.resolvedScalar, value != .null {
                // Numbers and booleans written where text is expected: accept their text.
                return node.scalarText
            }
            error("\(what) must be a string, found \(node.kindDescription)", at: node.mark)
            return nil
        }
        return text
    }

    mutating func bool(_ node: Node, _ what: String) -> Bool? {
        guard case .bool(let flag) = node.resolvedScalar else {
            error("\(what) must be true or false, found \(node.kindDescription)", at: node.mark)
            return nil
        }
        return flag
    }

    /// One of an enumeration's raw values, or an error that lists them.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ what: String) -> T?
    where T.RawValue == String {
        guard let text = string(node, what) else { return nil }
        guard let value = T(rawValue: text) else {
            error(
                "unknown \(what) \(Quoted.clip(text)); expected one of: "
                    + T.allCases.map(\.rawValue).joined(separator: ", "),
                at: node.mark)
            return nil
        }
        return value
    }

    /// An integer, within `range` when one is given; a value out of range (including one too
    /// large for an Int, which YAML would otherwise read as a floating-point number) says so
    /// and gives the range.
    mutating func int(_ node: Node, _ what: String, range: ClosedRange<Int>? = nil) -> Int? {
        let limits = range ?? Int.min...Int.max
        let allowed = " (allowed: \(limits.lowerBound) to \(limits.upperBound))"
        guard case .int(let number) = node.resolvedScalar else {
            if case .double = node.resolvedScalar, let text = node.scalarText, Self.isWholeNumber(text) {
                error("\(what) \(text) is out of range\(allowed)", at: node.mark)
                return nil
            }
            error("\(what) must be an integer, found \(node.kindDescription)", at: node.mark)
            return nil
        }
        if !limits.contains(number) {
            error("\(what) \(number) is out of range\(allowed)", at: node.mark)
            return nil
        }
        return number
    }

    /// Digits with an optional sign: an integer in the source, whatever its size.
    private static func isWholeNumber(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// A positive duration of at most `DurationText.maximum`; a longer one names the limit.
    mutating func duration(_ node: Node, _ what: String) -> Duration? {
        let text = node.scalarText ?? ""
        switch Result(catching: { () throws(DurationText.Problem) in try DurationText.read(text) }) {
        case .success(let duration) where duration > .zero:
            return duration
        case .failure(.tooLong):
            error(
                "\(what) \(Quoted.clip(text)) is longer than the maximum duration, \(DurationText.maximumText) (10 years)",
                at: node.mark)
            return nil
        default:
            error("\(what) must be a duration such as 30s, 15m or 1h30m", at: node.mark)
            return nil
        }
    }

    mutating func mapping(_ node: Node, _ what: String) -> [Node.Pair]? {
        guard let pairs = node.mapping else {
            error("\(what) must be a mapping, found \(node.kindDescription)", at: node.mark)
            return nil
        }
        return pairs
    }

    mutating func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard let items = node.sequence else {
            error("\(what) must be a list, found \(node.kindDescription)", at: node.mark)
            return nil
        }
        return items
    }

    /// A literal value (no expressions): scalars by the core schema, lists and mappings.
    mutating func value(_ node: Node) -> Value {
        switch node.kind {
        case .scalar(let text, _):
            switch node.resolvedScalar ?? .string(text) {
            case .null: return .null
            case .bool(let flag): return .bool(flag)
            case .int(let number): return .int(number)
            case .double, .string: return .string(text)
            }
        case .sequence(let items):
            return .list(items.map { value($0) })
        case .mapping(let pairs):
            return .map(pairs.map { Value.Entry($0.key.scalarText ?? "", value($0.value)) })
        }
    }
}
