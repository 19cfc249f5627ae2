import AutomationServer
import AutomationService
import AutomationStore
import Foundation
import Scheduler
import Testing

/// schemas/openapi.json is what is served: the document written from the route table equals the
/// committed file, and every Azure operation the SDK calls is in it.
@Suite struct OpenAPIDocumentTests {
    func served() throws -> [String: Any] {
        let api = ARMAPI(service: AutomationService(store: try AutomationStore.inMemory()), submission: JobInbox())
        let text = OpenAPIDocument.text(api.routes)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func theCommittedDocumentIsTheServedOne() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: CLI.packageRoot + "/schemas/openapi.json"))
        let committed = try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
        #expect(
            committed.isEqual(to: try served()),
            "regenerate: runbook serve --port 0, then curl http://127.0.0.1:PORT/openapi.json > schemas/openapi.json")
    }

    @Test func everyOperationOfTheSDKIsServed() throws {
        let paths = try #require(try served()["paths"] as? [String: [String: Any]])
        let operations = Set(
            paths.values.flatMap { $0.values.compactMap { ($0 as? [String: Any])?["operationId"] as? String } })
        for expected in [
            "AutomationAccount_Get", "Runbook_CreateOrUpdate", "RunbookDraft_ReplaceContent", "Runbook_Publish",
            "Runbook_GetContent", "Job_Create", "Job_Get", "Job_ListByAutomationAccount", "Job_GetOutput", "Job_Stop",
            "Job_Suspend", "Job_Resume", "JobStream_ListByJob", "JobStream_Get", "Schedule_CreateOrUpdate",
            "Schedule_Update", "JobSchedule_Create", "JobSchedule_Delete",
        ] {
            #expect(operations.contains(expected), "\(expected)")
        }
    }
}
