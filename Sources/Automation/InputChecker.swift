import YAML

/// Builds step-input templates and checks them against the action's declared inputs.
struct InputChecker {
    var sink: DiagnosticSink
    let parameters: [ParameterSpec]

    /// Inputs of a step; `specs` is nil when the action is unknown (only references are checked then).
    mutating func templates(_ node: Node, specs: [InputSpec]?, context: String) -> [Template.Entry] {
        guard let pairs = sink.mapping(node, context) else { return [] }
        if let specs {
            sink.checkKeys(of: node, known: specs.map(\.name), context: context)
            for spec in specs where spec.required && node[spec.name] == nil {
                sink.error("missing required input '\(spec.name)' in \(context)", at: node.mark)
            }
        }
        return pairs.compactMap { pair in
            guard let key = pair.key.scalarText else { return nil }
            let spec = specs?.first { $0.name == key }
            let template = template(pair.value, type: spec?.type, what: "input \(Quoted.clip(key))")
            return Template.Entry(key: key, keyMark: pair.key.mark, value: template)
        }
    }

    private mutating func template(_ node: Node, type: InputSpec.InputType?, what: String) -> Template {
        switch node.kind {
        case .scalar(let text, _):
            if let parsed = Expression.parts(of: text) {
                return expression(parsed, node: node, type: type, what: what)
            }
            let value = sink.value(node)
            if let type { checkLiteral(value, type: type, what: what, mark: node.mark) }
            return .literal(value, node.mark)
        case .sequence(let items):
            var elementType: InputSpec.InputType?
            switch type {
            case .stringList(let allowed)?:
                elementType = allowed.map { .enumeration($0) } ?? .string
            case .objectList(let specs)?:
                elementType = .object(specs)
            case nil:
                elementType = nil
            case let other?:
                sink.error("\(what) must be \(other.noun), found a list", at: node.mark)
            }
            return .list(items.map { template($0, type: elementType, what: "an element of \(what)") }, node.mark)
        case .mapping(let pairs):
            switch type {
            case .object(let specs)?:
                return .map(templates(node, specs: specs, context: what), node.mark)
            case .stringMap?, nil:
                return .map(
                    pairs.map {
                        Template.Entry(
                            key: $0.key.scalarText ?? "", keyMark: $0.key.mark,
                            value: template($0.value, type: type == nil ? nil : .string, what: what))
                    }, node.mark)
            case let other?:
                sink.error("\(what) must be \(other.noun), found a mapping", at: node.mark)
                return .map([], node.mark)
            }
        }
    }

    private mutating func expression(
        _ parsed: Result<[Expression.Located], Expression.Problem>, node: Node, type: InputSpec.InputType?,
        what: String
    ) -> Template {
        let located: [Expression.Located]
        switch parsed {
        case .failure(let problem):
            sink.error(problem.message, at: Expression.mark(of: node, offset: problem.offset))
            return .literal(.null, node.mark)
        case .success(let found):
            located = found
        }
        let text = node.scalarText ?? ""
        for item in located {
            guard case .reference(let name) = item.part, !parameters.contains(where: { $0.name == name }) else {
                continue
            }
            let at = Expression.mark(of: node, offset: Expression.characterOffset(text, item.byteOffset))
            let hint = Suggestion.hint(for: name, among: parameters.map(\.name))
            sink.error("undefined parameter \(Quoted.clip(name)) in ${{ params.\(name) }}\(hint)", at: at)
        }
        let parts = located.map(\.part)
        if parts.count == 1, case .reference(let name) = parts[0] {
            if let type, let spec = parameters.first(where: { $0.name == name }),
                !Self.compatible(spec.type, with: type)
            {
                sink.error(
                    "\(what) must be \(type.noun), but parameter \(Quoted.clip(name)) is of type \(spec.type.rawValue)",
                    at: node.mark)
            }
            return .reference(name, node.mark)
        }
        if let type, !Self.acceptsText(type) {
            sink.error("\(what) must be \(type.noun); text with ${{ }} inside is a string", at: node.mark)
        }
        return .interpolation(parts, node.mark)
    }

    private mutating func checkLiteral(_ value: Value, type: InputSpec.InputType, what: String, mark: Mark) {
        if let problem = InputValues.problem(value, type: type, what: what) {
            sink.error(problem, at: mark)
        }
    }

    static func compatible(_ parameter: ParameterType, with input: InputSpec.InputType) -> Bool {
        switch (parameter, input) {
        case (.string, .string), (.string, .enumeration), (.int, .int), (.bool, .bool), (.list, .stringList):
            return true
        default: return false
        }
    }

    static func acceptsText(_ input: InputSpec.InputType) -> Bool {
        switch input {
        case .string, .enumeration: return true
        default: return false
        }
    }
}

/// Checks a resolved input value against its declared type (at load time and after parameters bind).
public enum InputValues {
    public static func problem(_ value: Value, type: InputSpec.InputType, what: String) -> String? {
        switch (type, value) {
        case (_, .null):
            return nil
        case (.string, .string), (.int, .int), (.bool, .bool):
            return nil
        case (.enumeration(let choices), .string(let text)):
            return choices.contains(text)
                ? nil
                : "\(what): \(Quoted.clip(text)) is not one of \(choices.joined(separator: ", "))"
                    + Suggestion.hint(for: text, among: choices).replacingSemicolonHint()
        case (.stringList(let allowed), .list(let items)):
            for item in items {
                guard case .string(let text) = item else { return "\(what) must be a list of strings, found \(item)" }
                if let allowed, !allowed.contains(text) {
                    return "\(what): \(Quoted.clip(text)) is not one of \(allowed.joined(separator: ", "))"
                        + Suggestion.hint(for: text, among: allowed).replacingSemicolonHint()
                }
            }
            return nil
        case (.stringMap, .map(let entries)):
            for entry in entries {
                guard case .string = entry.value else {
                    return "\(what): \(Quoted.clip(entry.key)) must be a string, found \(entry.value.typeName)"
                }
            }
            return nil
        case (.objectList(let specs), .list(let items)):
            for item in items {
                if let problem = problem(item, type: .object(specs), what: "an element of \(what)") { return problem }
            }
            return nil
        case (.object(let specs), .map(let entries)):
            for spec in specs where spec.required && !entries.contains(where: { $0.key == spec.name }) {
                return "\(what) is missing required input '\(spec.name)'"
            }
            for entry in entries {
                guard let spec = specs.first(where: { $0.name == entry.key }) else { continue }
                if let problem = problem(entry.value, type: spec.type, what: "input \(Quoted.clip(entry.key))") {
                    return problem
                }
            }
            return nil
        default:
            return "\(what) must be \(type.noun), found \(value.typeName) \(value)"
        }
    }
}

extension String {
    /// Keeps only a "did you mean" hint; the list of choices is already in the message.
    fileprivate func replacingSemicolonHint() -> String {
        hasPrefix(" (did you mean") ? self : ""
    }
}
