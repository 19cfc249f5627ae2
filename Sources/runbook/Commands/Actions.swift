import ArgumentParser
import Automation

extension RunbookCommand {
    struct Actions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the actions a runbook step may use, with their with: inputs.",
            discussion: "The same reference is in docs/RUNBOOKS.md (runbook actions --markdown writes it).")

        @Argument(help: "One action to describe (default: all).") var name: String?
        @Flag(help: "Print the whole reference as Markdown (docs/RUNBOOKS.md).") var markdown = false

        func validate() throws {
            if let name, ActionCatalog.signature(named: name) == nil {
                throw ValidationError(
                    "unknown action '\(name)'\(Suggestion.hint(for: name, among: ActionCatalog.names))")
            }
        }

        func run() async throws {
            if markdown {
                Terminal.out(ActionCatalog.markdownReference())
                return
            }
            let width = Terminal.columns
            for action in ActionCatalog.all where name == nil || action.name == name {
                Terminal.out(TextWrap.wrap("\(action.name): \(action.summary)", width: width))
                Terminal.out(
                    lines(action.inputs, indent: "  ").map { TextWrap.wrap($0, width: width) }.joined(separator: "\n")
                        + "\n")
            }
        }

        private func lines(_ inputs: [InputSpec], indent: String) -> [String] {
            inputs.flatMap { input -> [String] in
                let head =
                    "\(indent)\(input.name)\(input.required ? " (required)" : ""): \(input.type.noun). \(input.help)"
                switch input.type {
                case .object(let fields), .objectList(let fields): return [head] + lines(fields, indent: indent + "  ")
                default: return [head]
                }
            }
        }
    }
}
