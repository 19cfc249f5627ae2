import Automation
import AutomationService
import Foundation
import KQL

/// Log Analytics' query API (`/v1/workspaces/{workspaceId}/query`), as `LogsQueryClient` of
/// azure-monitor-query calls it: no api-version, its own error codes, partial answers as 200.
extension ARMAPI {
    static let queryPath = "v1/workspaces/{workspaceId}/query"

    var logAnalyticsRoutes: [ARMRoute] {
        [
            ARMRoute("POST", Self.queryPath, "Query_Execute", armVersioned: false) { request throws(ServiceError) in
                guard case .object = JSONValue.parse(request.body) ?? .null else {
                    return LogQueryDocuments.badArgument("the request body must be a JSON object with a 'query'")
                }
                let body: LogQueryBody
                do throws(ServiceError) {
                    body = try request.decode(LogQueryBody.self)
                } catch {
                    return LogQueryDocuments.badArgument(error.description)
                }
                return await query(request, text: body.query, timespan: body.timespan)
            },
            ARMRoute("GET", Self.queryPath, "Query_Get", armVersioned: false) { request throws(ServiceError) in
                guard let text = request.query["query"] else {
                    return LogQueryDocuments.badArgument("the 'query' query parameter is required")
                }
                return await query(request, text: text, timespan: request.query["timespan"])
            },
        ]
    }

    private func query(_ request: ARMRequest, text: String, timespan: String?) async -> ARMResponse {
        let prefer = LogQueryPreferences(request.header("prefer"))
        do {
            _ = try await service.linkedWorkspace(request.parameter("workspaceId"))
        } catch {
            return LogQueryDocuments.error(
                status: error.httpStatus, code: error.httpStatus == 404 ? "WorkspaceNotFoundError" : error.azureCode,
                message: error.description)
        }
        var logQuery = LogQuery(text: text, rowLimit: service.queryRowLimit, caller: request.token)
        if let wait = prefer.wait { logQuery.timeLimit = .seconds(wait) }
        do {
            if let timespan, !timespan.isEmpty {
                logQuery.timespan = try QueryTimespan.parse(timespan, now: service.currentTime)
            }
            let result = try await service.query(logQuery)
            return .json(LogQueryDocuments.response(result, preferences: prefer))
        } catch let diagnostic as KQLDiagnostic {
            return LogQueryDocuments.queryError(diagnostic)
        } catch let error as ServiceError {
            // A bad query is Log Analytics' BadArgumentError; anything else keeps its own status.
            guard case .invalid = error else {
                var response = LogQueryDocuments.error(
                    status: error.httpStatus, code: error.azureCode, message: error.description)
                if case .tooManyRequests(_, let seconds) = error {
                    response.headers.append(("Retry-After", "\(seconds)"))
                }
                if case .storeUnreachable = error { response.headers.append(("Retry-After", "5")) }
                return response
            }
            return LogQueryDocuments.badArgument(error.description)
        } catch {
            return LogQueryDocuments.error(status: 500, code: "InternalServerError", message: "\(error)")
        }
    }
}

/// The `Prefer` header of a query: `wait=60,include-statistics=true,include-render=true`.
struct LogQueryPreferences {
    var wait: Int?
    var statistics = false
    var render = false

    init(_ header: String?) {
        for part in (header ?? "").split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            switch pair[0].lowercased() {
            case "wait": wait = Int(pair[1]).map { min(max($0, 1), 600) }
            case "include-statistics": statistics = pair[1].lowercased() == "true"
            case "include-render": render = pair[1].lowercased() == "true"
            default: continue
            }
        }
    }
}
