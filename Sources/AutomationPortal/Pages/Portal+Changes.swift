import Automation
import AutomationService
import Foundation

/// Change tracking: the timeline chart, filters, a keyset-paged table and a change's detail.
extension Portal {
    /// Time ranges the filter offers, in seconds (nil: all time).
    static let ranges: [(value: String, label: String, seconds: TimeInterval?)] = [
        ("1h", "Last hour", 3600), ("24h", "Last 24 hours", 86_400), ("7d", "Last 7 days", 7 * 86_400),
        ("30d", "Last 30 days", 30 * 86_400), ("all", "All time", nil),
    ]
    static let changePageSize = 50

    func changesPage(_ request: PortalRequest) async -> PortalResponse {
        let range = Self.ranges.first(where: { $0.value == request.parameter("range") }) ?? Self.ranges[4]
        let now = Date()
        var query = ChangePageQuery(
            machine: request.parameter("machine"), type: request.parameter("type").flatMap(ConfigType.init(rawValue:)),
            category: request.parameter("category").flatMap(ChangeCategory.init(rawValue:)),
            since: range.seconds.map { now.addingTimeInterval(-$0) }, text: request.parameter("q"),
            limit: Self.changePageSize + 1)
        query.before = request.parameter("before").flatMap { Int64($0) }
        do {
            var rows = try await service.changePage(query)
            let more = rows.count > Self.changePageSize
            if more { rows.removeLast() }
            var chart: [String: Any]?
            if let span = try await service.changeSpan(query) {
                // The chart ends now and spans the range, or all the changes (at least an hour).
                let start = query.since ?? min(span.0, now.addingTimeInterval(-3600))
                let end = max(span.1, now)
                let bucket = ChangeChart.bucketSeconds(span: end.timeIntervalSince(start))
                let counts =
                    query.machine == nil && query.category == nil && query.text == nil
                    ? try await chartCache.counts(
                        service: service, types: query.type.map { [$0] } ?? ConfigType.allCases, start: start,
                        end: end.addingTimeInterval(1), width: bucket, now: now)
                    : try await service.changeCounts(query, from: start, to: end, bucketSeconds: bucket)
                chart = ChangeChart.values(
                    counts: counts, from: Int64(start.timeIntervalSince1970), to: Int64(end.timeIntervalSince1970),
                    bucket: bucket)
            }
            let machines = try await service.machineNames()
            var filters: [(String, String)] = []
            for name in ["machine", "type", "category", "range", "q"] {
                if let value = request.parameter(name) { filters.append((name, value)) }
            }
            let filterQuery = filters.map { "\($0.0)=\(PortalFormat.query($0.1))" }.joined(separator: "&")
            let next =
                more ? rows.last.map { "?" + filterQuery + (filterQuery.isEmpty ? "" : "&") + "before=\($0.id)" } : nil
            let table: [[String: Any]] = rows.map { row in
                [
                    "id": String(row.id), "computer": row.computer, "at": PortalFormat.time(row.timeGenerated) as Any,
                    "type": row.change.type.rawValue, "category": row.change.category.rawValue,
                    "key": row.change.key, "fields": row.change.fieldsChanged.joined(separator: ", "),
                ]
            }
            let filtered = !filters.isEmpty
            return render(
                "changes", request,
                [
                    "title": "Change tracking", "chart": chart as Any, "changes": table, "hasChanges": !table.isEmpty,
                    "filtered": filtered, "next": next as Any, "paged": query.before != nil,
                    "firstPage": "?" + filterQuery,
                    "machines": PortalFormat.options(machines, selected: query.machine, any: "All machines"),
                    "types": PortalFormat.options(
                        ConfigType.allCases.map(\.rawValue), selected: query.type?.rawValue, any: "All types"),
                    "categories": PortalFormat.options(
                        ChangeCategory.allCases.map(\.rawValue), selected: query.category?.rawValue,
                        any: "All categories"),
                    "ranges": Self.ranges.map {
                        ["value": $0.value, "label": $0.label, "selected": $0.value == range.value]
                    },
                    "q": request.parameter("q") ?? "",
                ])
        } catch {
            return failure(error)
        }
    }

    func changePage(_ request: PortalRequest, id text: String) async -> PortalResponse {
        guard let id = Int64(text) else { return notFound("A change is named by its number.") }
        do {
            let row = try await service.change(id: id)
            let change = row.change
            let names = Set(change.previous.keys).union(change.current.keys).sorted()
            let changed = Set(change.fieldsChanged)
            let fields: [[String: Any]] = names.map { name in
                [
                    "name": name, "previous": change.previous[name] ?? "", "current": change.current[name] ?? "",
                    "changed": changed.contains(name) || change.previous[name] != change.current[name],
                ]
            }
            return render(
                "change", request,
                [
                    "title": "\(change.category.rawValue): \(change.key)", "computer": row.computer,
                    "at": PortalFormat.time(row.timeGenerated) as Any, "type": change.type.rawValue,
                    "category": change.category.rawValue, "key": change.key, "fields": fields,
                    "jobId": row.jobId as Any, "svcChangeType": change.svcChangeType as Any,
                    "added": change.category == .added, "removed": change.category == .removed,
                ])
        } catch {
            return failure(error)
        }
    }
}
