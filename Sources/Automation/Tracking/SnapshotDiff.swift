/// The diff of two snapshots sorted by `InventoryItem.ordered`: one merge pass, O(n).
public enum SnapshotDiff {
    public static func changes(previous: [InventoryItem], current: [InventoryItem]) -> [ItemChange] {
        var changes: [ItemChange] = []
        var old = 0
        var new = 0
        while old < previous.count || new < current.count {
            if new == current.count || (old < previous.count && InventoryItem.ordered(previous[old], current[new])) {
                let item = previous[old]
                changes.append(
                    ItemChange(
                        type: item.type, key: item.key, category: .removed, fieldsChanged: [], current: [:],
                        previous: item.fields))
                old += 1
            } else if old == previous.count || InventoryItem.ordered(current[new], previous[old]) {
                let item = current[new]
                changes.append(
                    ItemChange(
                        type: item.type, key: item.key, category: .added, fieldsChanged: [], current: item.fields,
                        previous: [:]))
                new += 1
            } else {
                let before = previous[old]
                let after = current[new]
                if before.fields != after.fields {
                    let names = Set(before.fields.keys).union(after.fields.keys)
                    let differing = names.filter { before.fields[$0] != after.fields[$0] }.sorted()
                    changes.append(
                        ItemChange(
                            type: after.type, key: after.key, category: .modified, fieldsChanged: differing,
                            current: after.fields, previous: before.fields))
                }
                old += 1
                new += 1
            }
        }
        return changes
    }
}
