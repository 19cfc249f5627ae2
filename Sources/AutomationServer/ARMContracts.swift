/// What each operation answers on success, and what it takes and returns, as Azure's clients
/// expect (docs/AZURE.md, "The ARM API": job create answers 201 only, stop 200 only, the
/// content upload and publish 202 only). The OpenAPI document is written from this.
struct ARMContract: Sendable {
    enum Body: Sendable { case none, json, text }

    var success: [Int]
    var request: Body = .none
    var response: Body = .json
    var query: [String] = []

    static let byOperation: [String: ARMContract] = [
        "OpenAPI_Get": ARMContract(success: [200]),
        "Health_Get": ARMContract(success: [200]),
        "AutomationAccount_Get": ARMContract(success: [200]),
        "AutomationAccount_CreateOrUpdate": ARMContract(success: [200, 201], request: .json),
        "AutomationAccount_ListByResourceGroup": ARMContract(success: [200]),
        "AutomationAccount_List": ARMContract(success: [200]),
        "Runbook_ListByAutomationAccount": ARMContract(success: [200], query: ["$skiptoken"]),
        "Runbook_Get": ARMContract(success: [200]),
        "Runbook_CreateOrUpdate": ARMContract(success: [200, 201], request: .json),
        "Runbook_Delete": ARMContract(success: [200], response: .none),
        "Runbook_GetContent": ARMContract(success: [200], response: .text),
        "RunbookDraft_Get": ARMContract(success: [200]),
        "RunbookDraft_GetContent": ARMContract(success: [200], response: .text),
        "RunbookDraft_ReplaceContent": ARMContract(success: [202], request: .text, response: .none),
        "Runbook_Publish": ARMContract(success: [202], response: .none),
        "RunbookDraft_OperationResult": ARMContract(success: [200], response: .none),
        "Runbook_OperationResult": ARMContract(success: [200], response: .none),
        "Job_Create": ARMContract(success: [201], request: .json),
        "Job_Get": ARMContract(success: [200]),
        "Job_ListByAutomationAccount": ARMContract(success: [200], query: ["$filter", "$skiptoken", "$top"]),
        "Job_GetOutput": ARMContract(success: [200], response: .text),
        "Job_GetRunbookContent": ARMContract(success: [200], response: .text),
        "Job_Stop": ARMContract(success: [200], response: .none),
        "Job_Suspend": ARMContract(success: [200], response: .none),
        "Job_Resume": ARMContract(success: [200], response: .none),
        "JobStream_ListByJob": ARMContract(success: [200], query: ["$filter", "$skiptoken"]),
        "JobStream_Get": ARMContract(success: [200]),
        "Schedule_CreateOrUpdate": ARMContract(success: [200, 201], request: .json),
        "Schedule_Update": ARMContract(success: [200], request: .json),
        "Schedule_Get": ARMContract(success: [200]),
        "Schedule_ListByAutomationAccount": ARMContract(success: [200]),
        "Schedule_Delete": ARMContract(success: [200], response: .none),
        "JobSchedule_Create": ARMContract(success: [201], request: .json),
        "JobSchedule_Get": ARMContract(success: [200]),
        "JobSchedule_ListByAutomationAccount": ARMContract(success: [200], query: ["$filter"]),
        "JobSchedule_Delete": ARMContract(success: [200], response: .none),
        "HybridRunbookWorkerGroup_ListByAutomationAccount": ARMContract(success: [200]),
        "HybridRunbookWorkerGroup_Get": ARMContract(success: [200]),
        "HybridRunbookWorkerGroup_Delete": ARMContract(success: [200, 204], response: .none),
        "HybridRunbookWorkers_ListByHybridRunbookWorkerGroup": ARMContract(success: [200]),
        "HybridRunbookWorkers_Get": ARMContract(success: [200]),
        "HybridRunbookWorkers_Delete": ARMContract(success: [200], response: .none),
        "Query_Execute": ARMContract(success: [200], request: .json),
        "Query_Get": ARMContract(success: [200], query: ["query", "timespan"]),
    ]
}

extension ARMRoute {
    /// What the OpenAPI document says of a route.
    struct Shape: Sendable {
        var method: String
        var path: String
        var operationId: String
        var parameters: [String]
        var armVersioned: Bool
        var authenticated: Bool
        var queryParameters: [String]
        var success: [Int]
        var request: ARMContract.Body
        var body: ARMContract.Body
    }

    var shape: Shape {
        let contract = ARMContract.byOperation[operationId] ?? ARMContract(success: [200])
        return Shape(
            method: method, path: String(path.dropFirst()), operationId: operationId,
            parameters: template.compactMap {
                if case .parameter(let name) = $0 { return name }
                return nil
            }, armVersioned: armVersioned, authenticated: !["OpenAPI_Get", "Health_Get"].contains(operationId),
            queryParameters: contract.query, success: contract.success, request: contract.request,
            body: contract.response)
    }
}
