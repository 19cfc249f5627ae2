import YAML

/// Turns a YAML node tree into a `Runbook`, reporting every problem in one pass.
struct RunbookDecoder {
    static let topKeys = [
        "name", "description", "parameters", "steps", "logVerbose", "logProgress", "timeout", "restarts",
    ]
    static let parameterKeys = ["type", "default", "required", "allowed", "description"]
    static let stepKeys = ["name", "action", "with", "continueOnError", "onError", "timeout", "retry", "runOn"]
    static let retryKeys = ["attempts", "delay"]

    var sink: DiagnosticSink

    init(file: String) {
        sink = DiagnosticSink(file: file)
    }

    mutating func decode(_ root: Node, expectedName: String?) -> Runbook? {
        guard root.mapping != nil else {
            sink.error(
                "a runbook is a mapping with 'name' and 'steps', but this file holds \(root.kindDescription)",
                at: root.mark)
            return nil
        }
        sink.checkKeys(of: root, known: Self.topKeys, context: "runbook")
        let name = decodeName(root, expectedName: expectedName)
        let description = root["description"].flatMap { sink.string($0, "'description'") } ?? ""
        let parameters = root["parameters"].map { decodeParameters($0) } ?? []
        let steps = decodeSteps(root, parameters: parameters)
        let logVerbose = root["logVerbose"].flatMap { sink.bool($0, "'logVerbose'") } ?? false
        let logProgress = root["logProgress"].flatMap { sink.bool($0, "'logProgress'") } ?? false
        let timeout = root["timeout"].flatMap { sink.duration($0, "'timeout'") }
        let restarts =
            root["restarts"].flatMap { sink.int($0, "'restarts'", range: JobRestarts.allowed) }
            ?? JobRestarts.defaultLimit
        guard !sink.hasErrors, let name else { return nil }
        return Runbook(
            name: name, description: description, parameters: parameters, steps: steps, logVerbose: logVerbose,
            logProgress: logProgress, timeout: timeout, restarts: restarts)
    }

    private mutating func decodeName(_ root: Node, expectedName: String?) -> String? {
        guard let node = root["name"] else {
            sink.error("missing required key 'name'", at: root.mark)
            return nil
        }
        guard let name = sink.string(node, "'name'") else { return nil }
        if !RunbookNames.isValid(name) {
            sink.error(RunbookNames.rule(for: name), at: node.mark)
        } else if let expectedName, expectedName != name {
            sink.error(
                "runbook name \(Quoted.clip(name)) does not match its file name '\(expectedName).yaml'", at: node.mark)
        }
        return name
    }

    private mutating func decodeParameters(_ node: Node) -> [ParameterSpec] {
        guard let pairs = sink.mapping(node, "'parameters'") else { return [] }
        var specs: [ParameterSpec] = []
        for pair in pairs {
            guard let name = pair.key.scalarText, Expression.isIdentifier(name) else {
                sink.error("parameter names are identifiers such as 'machines'", at: pair.key.mark)
                continue
            }
            if let spec = decodeParameter(name, pair.value) { specs.append(spec) }
        }
        return specs
    }

    private mutating func decodeParameter(_ name: String, _ node: Node) -> ParameterSpec? {
        let what = "parameter \(Quoted.clip(name))"
        guard sink.mapping(node, what) != nil else { return nil }
        sink.checkKeys(of: node, known: Self.parameterKeys, context: what)
        var type = ParameterType.string
        if let typeNode = node["type"], let text = sink.string(typeNode, "'type' of \(what)") {
            if let parsed = ParameterType(rawValue: text) {
                type = parsed
            } else {
                let hint = Suggestion.hint(for: text, among: ParameterType.allCases.map(\.rawValue))
                sink.error("unknown parameter type \(Quoted.clip(text))\(hint)", at: typeNode.mark)
            }
        }
        let required = node["required"].flatMap { sink.bool($0, "'required' of \(what)") } ?? false
        let description = node["description"].flatMap { sink.string($0, "'description' of \(what)") } ?? ""
        var allowed: [Value]?
        if let allowedNode = node["allowed"], let items = sink.sequence(allowedNode, "'allowed' of \(what)") {
            let elementType = type == .list ? ParameterType.string : type
            allowed = items.compactMap { item in
                let value = sink.value(item)
                guard ParameterValues.matches(value, elementType) else {
                    sink.error(
                        "allowed value \(value) of \(what) is not of type \(elementType.rawValue)", at: item.mark)
                    return nil
                }
                return value
            }
        }
        var defaultValue: Value?
        if let defaultNode = node["default"] {
            let value = sink.value(defaultNode)
            if let problem = ParameterValues.problem(value, type: type, allowed: allowed, name: name) {
                sink.error("default of \(what): \(problem)", at: defaultNode.mark)
            }
            if required {
                sink.error("\(what) is required and has a default; keep one of the two", at: defaultNode.mark)
            }
            defaultValue = value
        }
        return ParameterSpec(
            name: name, type: type, defaultValue: defaultValue, required: required, allowed: allowed,
            description: description)
    }

    private mutating func decodeSteps(_ root: Node, parameters: [ParameterSpec]) -> [Step] {
        guard let node = root["steps"] else {
            sink.error("missing required key 'steps'", at: root.mark)
            return []
        }
        guard let items = sink.sequence(node, "'steps'") else { return [] }
        if items.isEmpty { sink.error("'steps' is empty; a runbook has at least one step", at: node.mark) }
        var steps: [Step] = []
        var seen: [String: Mark] = [:]
        for item in items {
            guard let step = decodeStep(item, parameters: parameters) else { continue }
            if let first = seen[step.name] {
                sink.error(
                    "duplicate step name \(Quoted.clip(step.name)) (first used at \(first))",
                    at: item["name"]?.mark ?? item.mark)
            }
            seen[step.name] = item["name"]?.mark ?? item.mark
            steps.append(step)
        }
        return steps
    }

    private mutating func decodeStep(_ node: Node, parameters: [ParameterSpec]) -> Step? {
        guard sink.mapping(node, "a step") != nil else { return nil }
        sink.checkKeys(of: node, known: Self.stepKeys, context: "step")
        let name = node["name"].flatMap { sink.string($0, "step 'name'") }
        if node["name"] == nil { sink.error("step is missing required key 'name'", at: node.mark) }
        let what = "step \(Quoted.clip(name ?? "?"))"
        var signature: ActionSignature?
        if let actionNode = node["action"], let action = sink.string(actionNode, "'action' of \(what)") {
            signature = ActionCatalog.signature(named: action)
            if signature == nil {
                sink.error(
                    "unknown action \(Quoted.clip(action))\(Suggestion.hint(for: action, among: ActionCatalog.names))",
                    at: actionNode.mark)
            }
        } else if node["action"] == nil {
            sink.error("\(what) is missing required key 'action'", at: node.mark)
        }
        var inputs: [Template.Entry] = []
        if let withNode = node["with"] {
            var checker = InputChecker(sink: sink.handOff(), parameters: parameters)
            inputs = checker.templates(withNode, specs: signature?.inputs, context: "inputs of \(what)")
            sink = checker.sink.handOff()
        } else if let signature {
            for spec in signature.inputs where spec.required {
                sink.error(
                    "\(what) is missing required input '\(spec.name)' of action '\(signature.name)'", at: node.mark)
            }
        }
        let onError = failurePolicy(node, what)
        let timeout = node["timeout"].flatMap { sink.duration($0, "'timeout' of \(what)") }
        let retry = node["retry"].flatMap { decodeRetry($0, what) }
        var runOn: String?
        if let groupNode = node["runOn"], let group = sink.string(groupNode, "'runOn' of \(what)") {
            if let problem = ResourceName.problem(group, kind: "hybrid worker group") {
                sink.error("'runOn' of \(what): \(problem)", at: groupNode.mark)
            } else {
                runOn = group
            }
        }
        guard let name, let action = signature?.name else { return nil }
        return Step(
            name: name, action: action, inputs: inputs, onError: onError, timeout: timeout,
            retry: retry, runOn: runOn, mark: node.mark)
    }

    /// `onError: fail | continue | suspend`, or the older `continueOnError: true`; both at once
    /// only when they agree.
    private mutating func failurePolicy(_ node: Node, _ what: String) -> StepFailurePolicy {
        let continues = node["continueOnError"].flatMap { sink.bool($0, "'continueOnError' of \(what)") }
        guard let policyNode = node["onError"] else { return continues == true ? .continue : .fail }
        guard let policy: StepFailurePolicy = sink.choice(policyNode, "'onError' of \(what)") else { return .fail }
        if let continues, continues != (policy == .continue) {
            sink.error(
                "\(what) sets both 'continueOnError: \(continues)' and 'onError: \(policy.rawValue)', which disagree; "
                    + "keep 'onError'", at: policyNode.mark)
        }
        return policy
    }

    private mutating func decodeRetry(_ node: Node, _ what: String) -> RetryPolicy? {
        guard sink.mapping(node, "'retry' of \(what)") != nil else { return nil }
        sink.checkKeys(of: node, known: Self.retryKeys, context: "retry")
        var attempts = 1
        if let attemptsNode = node["attempts"], let number = sink.int(attemptsNode, "'attempts'", range: 1...100) {
            attempts = number
        }
        let delay = node["delay"].flatMap { sink.duration($0, "'delay'") } ?? .zero
        return RetryPolicy(attempts: attempts, delay: delay)
    }
}

/// Runbook names as Azure accepts them: a letter, then letters, digits, '-' or '_', at most 63.
public enum RunbookNames {
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter, name.count <= 63 else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    public static func rule(for name: String) -> String {
        "runbook name \(Quoted.clip(name)) is not valid: start with a letter, then letters, digits, '-' or '_' (at most 63)"
    }
}
