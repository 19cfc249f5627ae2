import Automation
import AutomationService
import Foundation

extension ARMAPI {
    static let runbooks = account + "/runbooks"
    static let runbook = runbooks + "/{runbookName}"
    /// Runbooks per list page; the rest follow `nextLink`.
    static let pageSize = 100

    /// The URL a long-running operation's client polls: the request's path with its last
    /// segment replaced by `operationResults/ID` (relative: joined to the client's base URL).
    static func operation(_ request: ARMRequest) -> String {
        let parent = request.path.split(separator: "/").dropLast().joined(separator: "/")
        return "/" + parent + "/operationResults/" + UUID().uuidString.lowercased() + "?api-version=2024-10-23"
    }

    var runbookRoutes: [ARMRoute] {
        [
            ARMRoute("GET", Self.runbooks, "Runbook_ListByAutomationAccount") { request throws(ServiceError) in
                let (_, path) = try await account(request)
                let page = try await service.runbooks(after: request.query["$skiptoken"], limit: Self.pageSize + 1)
                let items = page.prefix(Self.pageSize)
                let next =
                    page.count > Self.pageSize
                    ? request.path + "?api-version=2024-10-23&$skiptoken="
                        + (items.last?.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") : nil
                return .json(ARMDocuments.page(items.map { ARMDocuments.runbook($0, account: path) }, next: next))
            },
            ARMRoute("GET", Self.runbook, "Runbook_Get") { request throws(ServiceError) in
                let (_, path) = try await account(request)
                return .json(
                    ARMDocuments.runbook(
                        try await service.runbook(named: request.parameter("runbookName")), account: path))
            },
            ARMRoute("PUT", Self.runbook, "Runbook_CreateOrUpdate", writes: true) { request throws(ServiceError) in
                let (_, path) = try await account(request)
                let body = try request.decode(RunbookBody.self)
                let (runbook, created) = try await service.saveRunbook(
                    name: request.parameter("runbookName"), type: body.type, description: body.description,
                    logVerbose: body.logVerbose, logProgress: body.logProgress)
                return .json(ARMDocuments.runbook(runbook, account: path), status: created ? 201 : 200)
            },
            ARMRoute("DELETE", Self.runbook, "Runbook_Delete", writes: true) { request throws(ServiceError) in
                _ = try await account(request)
                try await service.deleteRunbook(named: request.parameter("runbookName"))
                return .empty(200)
            },
            ARMRoute("GET", Self.runbook + "/content", "Runbook_GetContent") { request throws(ServiceError) in
                _ = try await account(request)
                let runbook = try await service.runbook(named: request.parameter("runbookName"))
                guard let published = runbook.published else {
                    throw .notFound(
                        kind: "published content of runbook", name: runbook.name, hint: " (it has a draft only)")
                }
                return .text(published.content)
            },
            ARMRoute("GET", Self.runbook + "/draft", "RunbookDraft_Get") { request throws(ServiceError) in
                _ = try await account(request)
                return .json(ARMDocuments.draft(try await service.runbook(named: request.parameter("runbookName"))))
            },
            ARMRoute("GET", Self.runbook + "/draft/content", "RunbookDraft_GetContent") {
                request throws(ServiceError) in
                _ = try await account(request)
                let runbook = try await service.runbook(named: request.parameter("runbookName"))
                // Azure answers the published content when there is no newer draft.
                guard let content = runbook.draft?.content ?? runbook.published?.content else {
                    throw .notFound(kind: "draft content of runbook", name: runbook.name, hint: "")
                }
                return .text(content)
            },
            ARMRoute("PUT", Self.runbook + "/draft/content", "RunbookDraft_ReplaceContent", writes: true) {
                request throws(ServiceError) in
                _ = try await account(request)
                try await service.replaceDraft(runbook: request.parameter("runbookName"), content: try request.text())
                return .accepted(location: Self.operation(request))
            },
            ARMRoute("POST", Self.runbook + "/publish", "Runbook_Publish", writes: true) {
                request throws(ServiceError) in
                _ = try await account(request)
                _ = try await service.publishDraft(runbook: request.parameter("runbookName"))
                return .accepted(location: Self.operation(request))
            },
            // The operations finish before their 202 is sent: their status is done at once.
            ARMRoute("GET", Self.runbook + "/draft/operationResults/{operationId}", "RunbookDraft_OperationResult") {
                request throws(ServiceError) in
                _ = try await account(request)
                return .empty(200)
            },
            ARMRoute("GET", Self.runbook + "/operationResults/{operationId}", "Runbook_OperationResult") {
                request throws(ServiceError) in
                _ = try await account(request)
                return .empty(200)
            },
        ]
    }
}
