import Automation
import AutomationService
import AutomationStore
import Foundation
import RunbookEngine

// ARMRequest's initializer is internal: the fuzzer is built for debugging (scripts/fuzz.sh),
// where SwiftPM compiles every module testable.
@testable import AutomationServer

/// The API's request bodies, as Azure's SDK sends them (Fuzz/corpus/api-body/, one seed per
/// write route, named by its operationId): each input goes to `JSONValue.parse(bytes:)`, then
/// to that route's handler, called directly as the responder calls it (a contributor's token,
/// the path's parameters filled with valid names, a fresh GUID for each job and job schedule),
/// against a service over an in-memory store set up as `runbook init` sets one up, with a
/// published runbook that takes parameters and a schedule. An error answer is an answer; a
/// trap, a hang or a memory blow-up is a finding.
enum APIBodyTarget {
    static let target = FuzzTarget(name: "api-body", corpus: "api-body", grammar: JSONMutator()) { bytes, seed in
        run(bytes, seed: seed)
    }

    static let subscription = "00000000-0000-0000-0000-000000000000"
    static let resourceGroup = "runbook-local"
    static let accountName = "automation-default"
    static let workspaceName = "workspace-default"

    /// The published runbook the job and job-schedule seeds name (the SDK test's, with a
    /// required parameter and an int one).
    static let hello = """
        name: hello
        parameters:
          target: { type: string, required: true }
          attempt: { type: int, default: 1 }
        steps:
          - name: greet
            action: log
            with: { message: "hello ${{ params.target }}" }

        """

    static let contributor = TokenInfo(
        id: "fuzz", name: "fuzz-contributor", role: .contributor, createdAt: FuzzTargets.reference)

    /// Counts the cases, for their job and job-schedule GUIDs: the same names on every run.
    nonisolated(unsafe) static var cases = 0

    static func run(_ bytes: [UInt8], seed: String) {
        let body = Data(bytes)
        if let value = try? JSONValue.parse(bytes: body) { _ = value.serialized() }
        let operation = String(seed.prefix { $0 != "." && $0 != "-" })
        guard let route = world.routes[operation] else {
            FileHandle.standardError.write(Data("fuzz: api-body seed \(seed) names no write route\n".utf8))
            exit(65)
        }
        cases += 1
        let guid = String(format: "00000000-0000-4000-8000-%012d", cases)
        let status = call(route, body: body, guid: guid)
        // A job schedule made is removed, so that the next one is not refused as a duplicate
        // before its parameters are read.
        if operation == "JobSchedule_Create", status < 300, let delete = world.routes["JobSchedule_Delete"] {
            _ = call(delete, body: Data(), guid: guid)
        }
    }

    /// Calls a route's handler with a request as the responder builds it; returns the status
    /// of its answer (an error's too: Azure's error body is written, as the responder does).
    @discardableResult
    static func call(_ route: ARMRoute, body: Data, guid: String, names: [String: String] = [:]) -> Int {
        var parameters: [String: String] = [:]
        var segments: [String] = []
        for part in route.template {
            switch part {
            case .literal(let text): segments.append(text)
            case .parameter(let name):
                let value = names[name] ?? defaultName(name, operation: route.operationId, guid: guid)
                parameters[name] = value
                segments.append(value)
            }
        }
        let request = ARMRequest(
            method: route.method, segments: segments, parameters: parameters,
            query: route.armVersioned ? ["api-version": "2024-10-23"] : [:],
            // A query through the API stops at 2 s, as the KQL target's do (its default is 60 s).
            headers: ["content-type": "application/json", "prefer": "wait=2"], body: body, token: contributor,
            requestId: guid, path: "/" + segments.joined(separator: "/"))
        let handler = route.handler
        return blocking { () -> Int in
            do throws(ServiceError) {
                return try await handler(request).status
            } catch {
                return ARMResponse.error(error).status
            }
        }
    }

    /// A valid value for each path parameter: the default account, GUIDs for jobs, the names the
    /// set-up made for runbooks and schedules.
    static func defaultName(_ parameter: String, operation: String, guid: String) -> String {
        switch parameter {
        case "subscriptionId": subscription
        case "resourceGroupName": resourceGroup
        case "automationAccountName": operation == "AutomationAccount_CreateOrUpdate" ? "fuzz-account" : accountName
        case "runbookName": operation == "RunbookDraft_ReplaceContent" ? "fuzz-draft" : "fuzz-runbook"
        case "scheduleName": "fuzz-schedule"
        case "workspaceId": workspaceName
        default: guid
        }
    }

    /// The service and its routes, made once per run.
    struct World: Sendable {
        var service: AutomationService
        var routes: [String: ARMRoute]
    }

    /// Jobs created through the API wait in New: no executor takes them (nothing runs).
    struct NoSubmission: JobSubmission {
        func submit(_ job: Job, _ prepared: PreparedJob) {}
    }

    static let world: World = {
        let store: AutomationStore
        do {
            store = try AutomationStore.inMemory()
        } catch {
            setupFailed("the in-memory store: \(error)")
        }
        let service = AutomationService(store: store, now: { FuzzTargets.reference })
        guard let eastUS2 = Region("EastUS2"), let eastUS = Region("EastUS") else { setupFailed("a region") }
        // As `runbook init` does: the default account and workspace, the shipped runbooks.
        do {
            _ = try service.ensureDefaultSetup(
                account: Account(
                    name: accountName, subscription: subscription, resourceGroup: resourceGroup, region: eastUS2,
                    workspace: workspaceName),
                workspace: Workspace(
                    name: workspaceName, subscription: subscription, resourceGroup: resourceGroup, region: eastUS),
                localMachine: { nil }, runbooks: RunbookLibrary(folder: "runbooks"))
        } catch {
            setupFailed("the default account: \(error)")
        }
        let api = ARMAPI(service: service, submission: NoSubmission())
        var routes: [String: ARMRoute] = [:]
        for route in api.routes { routes[route.operationId] = route }
        let world = World(service: service, routes: routes)

        // As the SDK test does: a runbook created, its draft written and published; a schedule.
        let steps: [(String, [String: String], String)] = [
            ("Runbook_CreateOrUpdate", ["runbookName": "hello"], #"{"properties":{"runbookType":"Yaml"}}"#),
            ("RunbookDraft_ReplaceContent", ["runbookName": "hello"], hello),
            ("Runbook_Publish", ["runbookName": "hello"], ""),
            ("Runbook_CreateOrUpdate", ["runbookName": "fuzz-draft"], #"{"properties":{"runbookType":"Yaml"}}"#),
            (
                "Schedule_CreateOrUpdate", ["scheduleName": "weekly"],
                #"{"name":"weekly","properties":{"startTime":"2030-01-07T06:00:00Z","frequency":"Week","interval":1,"#
                    + #""timeZone":"Europe/Berlin","advancedSchedule":{"weekDays":["Monday","Friday"]}}}"#
            ),
            (
                "Schedule_CreateOrUpdate", ["scheduleName": "fuzz-schedule"],
                #"{"name":"fuzz-schedule","properties":{"startTime":"2030-01-07T06:00:00Z","frequency":"Day"}}"#
            ),
        ]
        for (operation, names, body) in steps {
            guard let route = routes[operation] else { setupFailed("no route \(operation)") }
            let status = call(route, body: Data(body.utf8), guid: "00000000-0000-4000-8000-000000000000", names: names)
            guard status < 300 else { setupFailed("\(operation) \(names) answered \(status)") }
        }
        return world
    }()

    static func setupFailed(_ what: String) -> Never {
        FileHandle.standardError.write(Data("fuzz: the api-body target could not be set up: \(what)\n".utf8))
        exit(70)
    }
}
