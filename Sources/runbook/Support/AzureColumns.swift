import Automation
import Foundation

/// Rows in Log Analytics' shape: Azure's column names, one flat object per record.
enum AzureColumns {
    /// A `ConfigurationChange` row: current fields as they are, previous ones as their Previous* twins.
    static func change(_ row: ChangeRow) -> [String: String] {
        let change = row.change
        var columns: [String: String] = [
            "TimeGenerated": row.timeGenerated.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
            "Computer": row.computer,
            "ConfigChangeType": change.type.rawValue,
            "ChangeCategory": change.category.rawValue,
            "FieldsChanged": change.fieldsChanged.joined(separator: ", "),
            change.type.nameColumn: change.current[change.type.nameColumn] ?? change.previous[change.type.nameColumn]
                ?? change.key,
        ]
        switch change.category {
        case .added:
            for (field, value) in change.current { columns[field] = value }
        case .removed:
            // A removed item is described by what it was.
            for (field, value) in change.previous { columns[field] = value }
        case .modified:
            for (field, value) in change.current { columns[field] = value }
            for field in change.fieldsChanged { columns[previousName(field)] = change.previous[field] ?? "" }
        }
        columns["Current"] = change.current[change.type.valueColumn] ?? ""
        columns["Previous"] = change.previous[change.type.valueColumn] ?? ""
        if let kind = change.svcChangeType { columns["SvcChangeType"] = kind }
        if let job = row.jobId { columns["JobId"] = job }
        return columns
    }

    /// A `ConfigurationData` row.
    static func data(_ row: InventoryRow) -> [String: String] {
        var columns = row.item.fields
        columns["TimeGenerated"] = row.timeGenerated.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        columns["Computer"] = row.computer
        columns["ConfigDataType"] = row.item.type.rawValue
        return columns
    }

    /// Azure's twin names: `SvcState` -> `SvcPreviousState`, `Size` -> `PreviousSize`,
    /// `CurrentVersion` -> `PreviousVersion`.
    static func previousName(_ field: String) -> String {
        if field.hasPrefix("Svc") { return "SvcPrevious" + field.dropFirst(3) }
        if field.hasPrefix("Current") { return "Previous" + field.dropFirst(7) }
        return "Previous" + field
    }
}
