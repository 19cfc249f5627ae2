import Automation
import AutomationService
import Foundation

/// Virtual machines: Azure's list filtered to the account's subscription and location (with a
/// control to show all), checkboxes, and Services > Change Tracking or Inventory > Enable.
extension Portal {
    /// Machines a page shows (Azure's list pages too): a page renders in a few milliseconds.
    static let machinePageSize = 100

    func machinesPage(_ request: PortalRequest) async -> PortalResponse {
        do {
            let showAll = request.parameter("all") == "1"
            let account = try await service.defaultAccount()
            let accounts = try await service.accounts()
            let page = max(0, request.parameter("page").flatMap { Int($0) } ?? 0)
            let offset = page.multipliedReportingOverflow(by: Self.machinePageSize).partialValue
            let list = try await service.machineList(
                subscription: showAll ? nil : account?.account.subscription,
                location: showAll ? nil : account?.account.region.name, offset: offset, limit: Self.machinePageSize)
            let base = showAll ? "?all=1&page=" : "?page="
            let rows: [[String: Any]] = list.rows.map { machine in
                [
                    "name": machine.name, "os": machine.os, "location": machine.location,
                    "subscription": machine.subscription, "resourceGroup": machine.resourceGroup,
                    "route": machine.route == "gateway" ? "gateway \(machine.gateway ?? "")" : machine.route,
                    "tracking": PortalFormat.time(machine.changeTracking) as Any,
                    "inventory": PortalFormat.time(machine.inventory) as Any,
                ]
            }
            let shown = list.matching
            return render(
                "machines", request,
                [
                    "title": "Virtual machines", "machines": rows, "hasMachines": !rows.isEmpty, "showAll": showAll,
                    "range": shown > Self.machinePageSize && !rows.isEmpty
                        ? "Machines \(offset + 1) to \(offset + rows.count) of \(shown)" : nil as String? as Any,
                    "previous": page > 0 ? base + String(page - 1) : nil as String? as Any,
                    "next": offset + rows.count < shown ? base + String(page + 1) : nil as String? as Any,
                    "hiddenText":
                        (list.total == shown ? nil : "\(list.total - shown) other machine(s) hidden") as Any,
                    "account": account.map {
                        [
                            "name": $0.account.name, "workspace": $0.workspace.name,
                            "subscription": $0.account.subscription, "location": $0.account.region.name,
                        ]
                    } as Any,
                    "accounts": accounts.map { ["name": $0.account.name, "isDefault": $0.isDefault] },
                ])
        } catch {
            return failure(error)
        }
    }

    /// Enables the chosen solution on the ticked machines; the result per machine, with every
    /// missing prerequisite in words.
    func enable(_ request: PortalRequest) async -> PortalResponse {
        let machines = request.values("machine")
        let solution = Solution(rawValue: request.value("solution") ?? "") ?? .changeTracking
        let custom = request.value("configuration") == "custom"
        let account = custom ? request.value("account").flatMap { $0.isEmpty ? nil : $0 } : nil
        let workspace = custom ? request.value("workspace").flatMap { $0.isEmpty ? nil : $0 } : nil
        guard !machines.isEmpty else {
            return render(
                "enabled", request,
                [
                    "title": "Enable \(solution.displayName)",
                    "general": ["No machine was ticked: tick one or more machines first."],
                ],
                status: 400)
        }
        do {
            let result = try await service.enableTracking(
                machines: machines, solutions: [solution], account: account, workspace: workspace)
            let rows: [[String: Any]] = result.machines.map {
                ["machine": $0.machine, "succeeded": $0.succeeded, "lines": $0.lines]
            }
            let failed = result.machines.filter { !$0.succeeded }.count
            return render(
                "enabled", request,
                [
                    "title": "Enable \(solution.displayName)", "results": rows, "general": result.general,
                    "aborted": result.aborted as Any, "solution": solution.rawValue,
                ], status: failed > 0 || result.aborted != nil ? 422 : 200)
        } catch {
            return failure(error)
        }
    }
}
