import Foundation

/// Typing, checking and binding runbook parameter values.
public enum ParameterValues {
    public static func matches(_ value: Value, _ type: ParameterType) -> Bool {
        switch (type, value) {
        case (.string, .string), (.int, .int), (.bool, .bool): return true
        case (.list, .list(let items)): return items.allSatisfy { if case .string = $0 { true } else { false } }
        default: return false
        }
    }

    /// Why `value` is not acceptable for a parameter, or nil when it is.
    public static func problem(_ value: Value, type: ParameterType, allowed: [Value]?, name: String) -> String? {
        guard matches(value, type) else {
            return "parameter \(Quoted.clip(name)) must be of type \(type.rawValue), found \(value.typeName) \(value)"
        }
        guard let allowed else { return nil }
        let elements = type == .list ? (value.listValue ?? []) : [value]
        for element in elements where !allowed.contains(element) {
            let hint =
                Suggestion.closest(to: element.description, among: allowed.map(\.description))
                .map { " (did you mean '\($0)'?)" } ?? ""
            // One problem in one clause: front ends list problems split at "; ".
            return
                "parameter \(Quoted.clip(name)): \(Quoted.clip(element.description)) is not one of "
                + allowed.map(\.description).joined(separator: ", ") + hint
        }
        return nil
    }

    /// Converts `-p NAME=TEXT` text to the parameter's type: lists are comma-separated
    /// (or `[a, b]`), booleans `true`/`false`, integers in decimal.
    public static func parse(_ text: String, as type: ParameterType) -> Value? {
        switch type {
        case .string:
            return .string(text)
        case .int:
            return Int(text).map(Value.int)
        case .bool:
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return nil
            }
        case .list:
            var body = Substring(text)
            if body.hasPrefix("[") && body.hasSuffix("]") { body = body.dropFirst().dropLast() }
            let items = body.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            return .list(items.map(Value.string))
        }
    }

    /// Values a job may be given: a runbook declares far fewer (Azure allows 50).
    public static let maxGiven = 1_000

    /// Binds given text values to a runbook's parameters; every problem is reported (unknown
    /// names: the first few, and a count of the rest).
    public static func bind(_ given: [String: String], to runbook: Runbook) -> Result<[String: Value], ParameterError> {
        guard given.count <= maxGiven else {
            return .failure(
                ParameterError(
                    runbook: runbook.name,
                    problems: [
                        "\(given.count) parameter values were given; at most \(maxGiven) are accepted "
                            + "(runbook '\(runbook.name)' declares \(runbook.parameters.count))"
                    ]))
        }
        var problems: [String] = []
        var bound: [String: Value] = [:]
        let unknown = given.keys.filter { runbook.parameter(named: $0) == nil }.sorted()
        for name in unknown.prefix(ParameterError.maxShown) {
            let hint = Suggestion.hint(for: name, among: runbook.parameters.map(\.name))
            problems.append("runbook '\(runbook.name)' has no parameter \(Quoted.clip(name))\(hint)")
        }
        if unknown.count > ParameterError.maxShown {
            problems.append("... and \(unknown.count - ParameterError.maxShown) more parameters it does not declare")
        }
        for spec in runbook.parameters {
            if let text = given[spec.name] {
                guard let value = parse(text, as: spec.type) else {
                    problems.append(
                        "parameter '\(spec.name)' must be of type \(spec.type.rawValue), found \(Quoted.clip(text))")
                    continue
                }
                if let problem = problem(value, type: spec.type, allowed: spec.allowed, name: spec.name) {
                    problems.append(problem)
                    continue
                }
                bound[spec.name] = value
            } else if let value = spec.defaultValue {
                bound[spec.name] = value
            } else if spec.required {
                problems.append("missing required parameter '\(spec.name)' (pass -p \(spec.name)=VALUE)")
            } else {
                bound[spec.name] = .null
            }
        }
        return problems.isEmpty ? .success(bound) : .failure(ParameterError(runbook: runbook.name, problems: problems))
    }
}

public struct ParameterError: Error, Sendable, CustomStringConvertible {
    public var runbook: String
    public var problems: [String]

    /// Unknown names an error lists; the rest are counted.
    public static let maxShown = 20

    public var description: String { problems.map { "error: \($0)" }.joined(separator: "\n") }
}
