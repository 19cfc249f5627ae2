import ArgumentParser
import Automation
import Foundation

extension RunbookCommand {
    /// ArgumentParser's own `AsyncParsableCommand.main()` (1.8.2), with one change: an error's
    /// message is printed through `TerminalText`, because ArgumentParser quotes the argument it
    /// could not parse (`--status $'n\e[2J'`) and would print its escape raw. Help, `--version`
    /// and completion scripts (clean exits) go to stdout exactly as ArgumentParser prints them;
    /// exit codes are ArgumentParser's (64 for a usage error).
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let unknown = CommandHints.unknownCommand(arguments) {
            FileHandle.standardError.write(Data((TerminalText.escaped("error: " + unknown) + "\n").utf8))
            Foundation.exit(64)
        }
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            var text = fullMessage(for: error)
            if let hint = CommandHints.runParameterHint(arguments, message: text) { text += "\n" + hint }
            if !text.isEmpty {
                if code == .success {
                    print(text)
                } else {
                    FileHandle.standardError.write(
                        Data((TerminalText.escaped(text, keepingLineBreaks: true) + "\n").utf8))
                }
            }
            Foundation.exit(code.rawValue)
        }
    }
}
