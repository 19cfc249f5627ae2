import ArgumentParser
import Foundation
import Testing

@testable import runbook

/// `--help` that teaches: examples are never wrapped in the middle of a command at 80 columns,
/// and an option's default is said once.
@Suite struct HelpTextTests {
    static func allCommands(_ command: any ParsableCommand.Type = RunbookCommand.self) -> [any ParsableCommand.Type] {
        [command] + command.configuration.subcommands.flatMap { allCommands($0) }
    }

    @Test func examplesFitEightyColumns() {
        for command in Self.allCommands() {
            for line in command.configuration.discussion.split(separator: "\n") where line.hasPrefix("  ") {
                #expect(line.count <= 80, "\(command._commandName): example wider than 80 columns: \(line)")
            }
        }
    }

    @Test func defaultsAreSaidOnce() {
        for command in Self.allCommands() {
            let help = RunbookCommand.helpMessage(for: command, columns: 200)
            for line in help.split(separator: "\n") where line.contains("(default: ") {
                // "(default)" marks a default subcommand; "(default X)" and "(default: X)" a value.
                let mentions =
                    line.replacingOccurrences(of: "(default)", with: "").components(separatedBy: "(default").count - 1
                #expect(mentions == 1, "\(command._commandName): \(line)")
            }
        }
    }

    @Test func noHelpSaysSomethingIsNotBuilt() {
        for command in Self.allCommands() {
            let help = RunbookCommand.helpMessage(for: command, columns: 200)
            #expect(!help.contains("not built"), "\(command._commandName)")
        }
    }
}
