import Foundation
import Testing

@testable import Automation

@Suite struct AutomationFileTests {
    @Test func contosoExampleLoads() throws {
        let path = Fixtures.packageRoot + "/examples/contoso/automation.yaml"
        let file = try AutomationFile.load(path: path)
        #expect(file.account?.region.name == "EastUS2")
        #expect(file.workspace?.region.name == "EastUS")
        #expect(file.machines.map(\.name) == ["contoso-web01", "contoso-sql01", "contoso-lnx01", "contoso-dev01"])
        #expect(file.machines.filter { $0.family == .windows }.count == 3)
        #expect(
            file.machines[2].source == .linuxRoot(Fixtures.packageRoot + "/examples/contoso/machines/contoso-lnx01"))
        #expect(file.gateways.first?.rules == AzureEndpoints.directRules)
    }

    func parse(_ text: String) -> [Diagnostic] {
        do {
            _ = try AutomationFile.parse(Array(text.utf8), label: "fleet.yaml", baseFolder: "/")
            return []
        } catch {
            return error.diagnostics
        }
    }

    let workspace = """
        workspace: { name: w, subscription: 11111111-1111-1111-1111-111111111111, resourceGroup: g, region: EastUS }

        """

    /// Issue 21, item 13: Azure's subscription ids are GUIDs, in a file as on `init`.
    @Test func aSubscriptionThatIsNotAGuidIsLocated() {
        let diagnostics = parse(
            workspace + """
                account: { name: a, subscription: 1111, resourceGroup: g, region: EastUS2 }
                """)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.mark == .init(line: 2, column: 35))
        #expect(diagnostics.first?.message.hasPrefix("subscription '1111' is not a subscription id") == true)
    }

    @Test func unsupportedOSIsLocated() {
        let diagnostics = parse(
            workspace + """
                account: { name: a, subscription: 11111111-1111-1111-1111-111111111111, resourceGroup: g, region: EastUS2 }
                machines:
                  - name: old
                    os: Windows Server 2008
                    source: local
                """)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.mark == .init(line: 5, column: 9))
        #expect(diagnostics.first?.message.hasPrefix("operating system 'Windows Server 2008' is not supported") == true)
    }

    @Test func invalidRegionPairIsLocated() {
        let diagnostics = parse(
            workspace
                + "account: { name: a, subscription: 11111111-1111-1111-1111-111111111111, resourceGroup: g, region: WestUS }\n"
        )
        #expect(diagnostics.map(\.mark) == [.init(line: 2, column: 10)])
        #expect(
            diagnostics.first?.message
                == "a workspace in EastUS cannot be linked to an Automation account in WestUS; "
                + "a workspace in EastUS links to an account in EastUS2")
    }

    @Test func subscriptionMismatchIsLocated() {
        let diagnostics = parse(
            workspace
                + "account: { name: a, subscription: 22222222-2222-2222-2222-222222222222, resourceGroup: g, region: EastUS2 }\n"
        )
        #expect(
            diagnostics.first?.message.contains("an account links only to a workspace in its own subscription") == true)
    }

    @Test func unknownKeysAndSourcesAreReported() {
        let diagnostics = parse(
            workspace + """
                account: { name: a, subscription: 11111111-1111-1111-1111-111111111111, resourceGroup: g, region: EastUS2 }
                machines:
                  - name: m
                    os: Ubuntu 22.04
                    locaton: EastUS2
                    source: { linuxroot: /nonexistent }
                """)
        #expect(diagnostics.map(\.message).contains("unknown key 'locaton' in machine (did you mean 'location'?)"))
        #expect(diagnostics.contains { $0.message.hasPrefix("machine folder '/nonexistent' does not exist") })
        #expect(diagnostics.contains { $0.message == "unknown source kind 'linuxroot' (did you mean 'linuxRoot'?)" })
    }
}

@Suite struct AutomationFileScheduleTests {
    func parse(_ text: String) -> (AutomationFile?, [Diagnostic]) {
        do {
            return (try AutomationFile.parse(Array(text.utf8), label: "fleet.yaml", baseFolder: "/"), [])
        } catch {
            return (nil, error.diagnostics)
        }
    }

    @Test func contosoSchedulesLoad() throws {
        let file = try AutomationFile.load(path: Fixtures.packageRoot + "/examples/contoso/automation.yaml")
        #expect(file.schedules.map(\.name) == ["contoso-nightly-scan", "contoso-weekly-report", "contoso-month-end"])
        let weekly = file.schedules[1]
        #expect(weekly.recurrence.weekDays == [.monday])
        #expect(weekly.links == [ScheduleLink(runbook: "change-report", parameters: ["since": "7d"])])
        #expect(file.schedules[2].recurrence.monthDays == [-1])
        #expect(file.schedules[0].timeoutSeconds == 7200)
        #expect(
            file.schedules[0].recurrence.nextFire(after: RecurrenceTests.date("2026-11-25T00:00:00Z"))
                == RecurrenceTests.date("2026-11-25T02:00:00Z"))
    }

    @Test func badSchedulesAreLocated() {
        let (_, diagnostics) = parse(
            """
            schedules:
              - name: s1
                frequency: Fortnightly
                start: "2026-11-25 02:00"
              - name: s2
                frequency: Month
                monthDays: [0, 32]
                start: "2026-11-25 02:00"
                timeZone: Europe/Londn
                interval: 0
              - name: s3
                frequency: Cron
                cron: "0 2 * *"
                start: tomorrow
            """)
        let messages = diagnostics.map { "\($0.mark.line):\($0.mark.column) \($0.message)" }
        #expect(
            messages.contains(
                "3:16 unknown frequency 'Fortnightly'; expected one of: OneTime, Minute, Hour, Day, Week, Month, Cron"))
        #expect(
            messages.contains { $0.hasPrefix("5:5 schedule 's2': timeZone: unknown IANA time zone 'Europe/Londn'") })
        #expect(messages.contains("10:15 'interval' 0 is out of range (allowed: 1 to 120)"))
        #expect(
            messages.contains(
                "5:5 schedule 's2': monthDays: 0 is not a day of the month (1 to 31, or -1 for the last day)"))
        #expect(messages.contains("14:12 'start' must be a time such as 2026-11-25T02:00:00Z or '2026-11-25 02:00'"))
        #expect(
            messages.contains(
                "11:5 schedule 's3': cron: '0 2 * *' has 4 fields; cron takes 5 (minute hour day month weekday)"))
    }

    @Test func aScheduleTimeoutIsADuration() {
        let (file, _) = parse(
            "schedules:\n  - { name: s, frequency: Day, start: \"2026-11-25 02:00\", timeout: 45m }\n")
        #expect(file?.schedules.first?.timeoutSeconds == 2700)
        let (_, diagnostics) = parse(
            "schedules:\n  - { name: s, frequency: Day, start: \"2026-11-25 02:00\", timeout: soon }\n")
        #expect(
            diagnostics.map { "\($0.mark.line):\($0.mark.column) \($0.message)" } == [
                "2:68 'timeout' of schedule 's' must be a duration such as 30s, 15m or 1h30m"
            ])
    }
}
