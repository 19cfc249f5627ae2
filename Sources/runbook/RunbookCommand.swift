import ArgumentParser

@main
struct RunbookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbook",
        abstract: "An offline Azure Automation account with Change Tracking and Inventory.",
        discussion: Help.reflow(
            """
            Runbooks are YAML files in runbooks/ (or --runbooks DIR / RUNBOOK_PATH). The store is
            .runbook/automation.sqlite (or --store DIR / RUNBOOK_STORE); the first command that
            writes creates it, with a default Automation account and this host registered as a
            machine; commands that only read refuse a store that does not exist (exit 66).

            Start with:  runbook run enable-tracking
            """),
        version: "0.1.0",
        subcommands: [
            Run.self, Validate.self, Publish.self, Runbooks.self, Actions.self, Init.self, AccountCommand.self,
            MachineCommand.self, Apply.self,
            JobsCommand.self, Tracking.self, Changes.self, Inventory.self, Query.self, ScheduleCommand.self,
            SchedulerCommand.self,
            Serve.self, Gateway.self, AgentCommand.self,
            Token.self, StoreCommand.self, NodesCommand.self, WorkersCommand.self,
        ]
    )
}
