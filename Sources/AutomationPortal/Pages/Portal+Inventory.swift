import Automation
import AutomationService
import Foundation

/// Inventory: tabs per type (software, files, registry, Windows services, Linux daemons) from
/// each machine's latest scan, with search and a machine filter.
extension Portal {
    static let inventoryTabs: [(type: ConfigType, label: String)] = [
        (.software, "Software"), (.files, "Files"), (.registry, "Registry"), (.windowsServices, "Windows services"),
        (.daemons, "Linux daemons"),
    ]
    static let inventoryRows = 500

    func inventoryPage(_ request: PortalRequest) async -> PortalResponse {
        let type = request.parameter("type").flatMap(ConfigType.init(rawValue:)) ?? .software
        let machine = request.parameter("machine")
        let text = request.parameter("q")?.lowercased()
        do {
            let machines = try await service.machineNames()
            let rows = try await service.inventory(machine: machine, type: type).filter { row in
                guard let text else { return true }
                return row.item.key.lowercased().contains(text) || row.computer.lowercased().contains(text)
                    || row.item.fields.values.contains { $0.lowercased().contains(text) }
            }
            let shown = rows.prefix(Self.inventoryRows).map { row -> [String: Any] in
                [
                    "computer": row.computer, "key": row.item.key,
                    "value": row.item.fields[type.valueColumn] ?? "", "at": PortalFormat.time(row.timeGenerated) as Any,
                ]
            }
            var base =
                "machine=\(PortalFormat.query(machine ?? ""))&q=\(PortalFormat.query(request.parameter("q") ?? ""))"
            if machine == nil && text == nil { base = "" }
            return render(
                "inventory", request,
                [
                    "title": "Inventory",
                    "tabs": Self.inventoryTabs.map {
                        [
                            "label": $0.label, "href": "?type=\($0.type.rawValue)" + (base.isEmpty ? "" : "&" + base),
                            "current": $0.type == type,
                        ]
                    },
                    "type": type.rawValue, "valueColumn": type.valueColumn, "rows": Array(shown),
                    "hasRows": !shown.isEmpty,
                    "truncatedText":
                        (rows.count > Self.inventoryRows
                        ? "Showing \(Self.inventoryRows) of \(rows.count) items: narrow the search." : nil) as Any,
                    "machines": PortalFormat.options(machines, selected: machine, any: "All machines"),
                    "q": request.parameter("q") ?? "",
                ])
        } catch {
            return failure(error)
        }
    }
}
