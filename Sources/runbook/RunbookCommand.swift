import ArgumentParser

@main
struct RunbookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbook",
        abstract: "An offline Azure Automation account with Change Tracking and Inventory.",
        discussion: Help.reflow(
            """
            Runbooks are YAML files in runbooks/ (or --runbooks DIR / RUNBOOK_PATH). The store is
            .runbook/automation.sqlite (or --store DIR / RUNBOOK_STORE); it is created on first use
            with a default Automation account and this host registered as a machine.

            Start with:  runbook run enable-tracking
            """),
        version: "0.1.0",
        subcommands: [
            Run.self, Validate.self, Init.self, AccountCommand.self, MachineCommand.self, Apply.self,
            JobsCommand.self, Tracking.self, Changes.self, Inventory.self, ScheduleCommand.self, SchedulerCommand.self,
        ]
    )
}
