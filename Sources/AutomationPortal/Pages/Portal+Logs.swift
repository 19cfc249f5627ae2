import AutomationService
import Foundation
import KQL

/// Logs: a KQL box over the workspace's tables, as Log Analytics' Logs blade; the results as a
/// table. Reading only (a GET), so read-only tokens use it too.
extension Portal {
    /// Rows shown on the page; more make the answer partial, and the page says so.
    static let logRowLimit = 1_000

    func logsPage(_ request: PortalRequest) async -> PortalResponse {
        let text = request.parameter("q") ?? ""
        let span = request.parameter("timespan") ?? "1d"
        var values: [String: Any] = [
            "title": "Logs", "query": text, "timespan": span,
            "tables": AutomationService.logTableNames.joined(separator: ", "),
            "spans": ["1h", "1d", "7d", "30d"].map { ["value": $0, "selected": $0 == span] },
        ]
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            values["example"] = "ConfigurationChange | summarize count() by Computer, ConfigChangeType"
            return render("logs", request, values)
        }
        do {
            var query = LogQuery(text: text, rowLimit: Self.logRowLimit, timeLimit: .seconds(30), caller: request.token)
            query.timespan = try QueryTimespan.parse(span, now: Date())
            let result = try await service.query(query)
            values["columns"] = result.table.columns.map { ["name": $0.name, "type": $0.type.rawValue] }
            values["rows"] = result.table.rows.map { row in
                [
                    "cells": row.map { value -> [String: Any] in
                        if case .datetime(let date) = value, let time = PortalFormat.time(date) {
                            return ["time": time]
                        }
                        return ["text": LogValueText.text(value)]
                    }
                ]
            }
            values["count"] = result.table.rows.count
            values["hasRows"] = !result.table.rows.isEmpty
            values["partial"] = result.partial as Any
            return render("logs", request, values)
        } catch let diagnostic as KQLDiagnostic {
            values["error"] = diagnostic.description
            return render("logs", request, values, status: 400)
        } catch let error as ServiceError {
            values["error"] = error.description
            return render("logs", request, values, status: error.httpStatus)
        } catch {
            values["error"] = "\(error)"
            return render("logs", request, values, status: 500)
        }
    }
}
