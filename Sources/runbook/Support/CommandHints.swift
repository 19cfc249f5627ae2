import ArgumentParser
import Automation

/// Suggestions ArgumentParser does not make: a mistyped command name (`runbook jbos list`
/// would otherwise be "2 unexpected arguments"), and a runbook parameter given as an option
/// (`runbook run scan --machines x` is `-p machines=x`).
enum CommandHints {
    /// The error for an argument that stands where a command name must be and names none.
    static func unknownCommand(_ arguments: [String]) -> String? {
        var command: any ParsableCommand.Type = RunbookCommand.self
        var path = ["runbook"]
        for argument in arguments {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, !argument.hasPrefix("-"), argument != "help" else { return nil }
            if let next = subcommands.first(where: {
                $0._commandName == argument || $0.configuration.aliases.contains(argument)
            }) {
                command = next
                path.append(argument)
                continue
            }
            let names = subcommands.map { $0._commandName }
            // A command with a default subcommand takes the word as that one's argument, unless
            // it is a near miss of a command name (`schedule lsit`).
            if command.configuration.defaultSubcommand != nil,
                Suggestion.closest(to: argument, among: names) == nil
            {
                return nil
            }
            return "unknown command \(Quoted.clip(argument)) for '\(path.joined(separator: " "))'"
                + Suggestion.hint(for: argument, among: names) + "; the commands are: "
                + names.joined(separator: ", ") + " ('\(path.joined(separator: " ")) --help' says what each does)"
        }
        return nil
    }

    /// A line to add to ArgumentParser's "Unknown option '--NAME'" on `runbook run`: runbook
    /// parameters go with `-p`.
    static func runParameterHint(_ arguments: [String], message: String) -> String? {
        guard arguments.first == "run", let start = message.range(of: "Unknown option '--") else { return nil }
        let rest = message[start.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        let name = String(rest[..<end])
        let value =
            arguments.firstIndex(where: { $0 == "--" + name }).flatMap { index in
                index + 1 < arguments.count && !arguments[index + 1].hasPrefix("-") ? arguments[index + 1] : nil
            } ?? arguments.first(where: { $0.hasPrefix("--\(name)=") }).map { String($0.dropFirst(name.count + 3)) }
            ?? "VALUE"
        return "hint: a runbook's parameters are given with -p: -p \(name)=\(value)"
    }
}
