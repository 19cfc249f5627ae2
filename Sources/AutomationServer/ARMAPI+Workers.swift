import Automation
import AutomationService
import Crypto
import Foundation

/// Hybrid Runbook Worker groups and their workers, as Azure's API names them: a group exists
/// once an agent joins it (`runbook agent --group`); read and removed here, never created (an
/// agent's poll does that).
extension ARMAPI {
    static let workerGroups = account + "/hybridRunbookWorkerGroups"
    static let workerGroup = workerGroups + "/{hybridRunbookWorkerGroupName}"
    static let workers = workerGroup + "/hybridRunbookWorkers"
    static let worker = workers + "/{hybridRunbookWorkerId}"

    var workerRoutes: [ARMRoute] {
        [
            ARMRoute("GET", Self.workerGroups, "HybridRunbookWorkerGroup_ListByAutomationAccount") {
                request throws(ServiceError) in
                let (_, path) = try await account(request)
                let groups = Dictionary(grouping: try await service.hybridWorkers(), by: \.group)
                return .json(
                    ARMDocuments.page(
                        groups.keys.sorted().map { ARMDocuments.workerGroup($0, account: path) }, next: nil))
            },
            ARMRoute("GET", Self.workerGroup, "HybridRunbookWorkerGroup_Get") { request throws(ServiceError) in
                let (_, path) = try await account(request)
                let name = request.parameter("hybridRunbookWorkerGroupName")
                _ = try await service.hybridWorkerGroup(name)
                return .json(ARMDocuments.workerGroup(name, account: path))
            },
            ARMRoute("DELETE", Self.workerGroup, "HybridRunbookWorkerGroup_Delete", writes: true) {
                request throws(ServiceError) in
                _ = try await account(request)
                let removed = try await service.removeHybridWorkerGroup(
                    request.parameter("hybridRunbookWorkerGroupName"))
                return .empty(removed ? 200 : 204)
            },
            ARMRoute("GET", Self.workers, "HybridRunbookWorkers_ListByHybridRunbookWorkerGroup") {
                request throws(ServiceError) in
                let (_, path) = try await account(request)
                let members = try await service.hybridWorkerGroup(request.parameter("hybridRunbookWorkerGroupName"))
                return .json(ARMDocuments.page(members.map { ARMDocuments.worker($0, account: path) }, next: nil))
            },
            ARMRoute("GET", Self.worker, "HybridRunbookWorkers_Get") { request throws(ServiceError) in
                let (_, path) = try await account(request)
                return .json(ARMDocuments.worker(try await member(request), account: path))
            },
            ARMRoute("DELETE", Self.worker, "HybridRunbookWorkers_Delete", writes: true) {
                request throws(ServiceError) in
                _ = try await account(request)
                let found = try await member(request)
                _ = try await service.removeHybridWorker(group: found.group, machine: found.machine)
                return .empty(200)
            },
        ]
    }

    /// The worker the path names, by its id (`ARMDocuments.workerId`).
    private func member(_ request: ARMRequest) async throws(ServiceError) -> HybridWorkerInfo {
        let group = request.parameter("hybridRunbookWorkerGroupName")
        let id = request.parameter("hybridRunbookWorkerId")
        let members = try await service.hybridWorkerGroup(group)
        guard
            let found = members.first(where: {
                ARMDocuments.workerId($0.machine).caseInsensitiveCompare(id) == .orderedSame
            })
        else {
            throw .notFound(kind: "hybrid runbook worker", name: id, hint: "")
        }
        return found
    }
}

extension ARMDocuments {
    static func workerGroup(_ name: String, account: String) -> JSONValue {
        .object([
            ("id", .string(account + "/hybridRunbookWorkerGroups/" + name)), ("name", .string(name)),
            ("type", .string("Microsoft.Automation/AutomationAccounts/HybridRunbookWorkerGroups")),
            ("properties", .object([("groupType", .string("User")), ("credential", .null)])),
        ])
    }

    /// Azure names a worker by a GUID; here it is derived from the machine's name, so it stays
    /// the same across the agent's restarts.
    static func workerId(_ machine: String) -> String {
        let digest = Array(SHA256.hash(data: Data(("hybrid-worker:" + machine).utf8)))
        var bytes = Array(digest.prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [
            hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4),
            hex.dropFirst(20),
        ]
        return parts.joined(separator: "-")
    }

    static func worker(_ worker: HybridWorkerInfo, account: String) -> JSONValue {
        let id = workerId(worker.machine)
        return .object([
            ("id", .string(account + "/hybridRunbookWorkerGroups/" + worker.group + "/hybridRunbookWorkers/" + id)),
            ("name", .string(id)),
            ("type", .string("Microsoft.Automation/AutomationAccounts/HybridRunbookWorkerGroups/HybridRunbookWorkers")),
            (
                "properties",
                .object([
                    ("ip", .null), ("registeredDateTime", .date(worker.registeredAt)),
                    ("lastSeenDateTime", .date(worker.lastSeenAt)), ("vmResourceId", .null),
                    ("workerType", .string("HybridV2")), ("workerName", .string(worker.machine)),
                ])
            ),
        ])
    }
}
