import Automation
import AutomationService
import Foundation
import Gzip

/// The routes `runbook agent` uses, beside the ARM API on the same listener (same TLS). They
/// are not ARM operations (not in the OpenAPI document): an agent token may only enrol, an
/// agent's credential may only read its configuration and write its own machine's data, and an
/// ARM token is refused here as an agent credential is refused by the ARM routes.
extension ARMAPI {
    static let agentBase = "agent/v1"
    /// An agent's upload, inflated (docs/SECURITY.md).
    static let maxAgentBodyBytes = 64 * 1024 * 1024

    var agentRoutes: [ARMRoute] {
        [
            ARMRoute("POST", Self.agentBase + "/enroll", "Agent_Enroll", writes: true, armVersioned: false) {
                request throws(ServiceError) in
                let facts = try Self.decodeAgent(AgentEnrolment.self, request)
                let enrolled = try await service.enrollAgent(
                    authorization: request.header("authorization"), facts,
                    address: request.peer ?? facts.addresses.first ?? "unknown")
                return try Self.agentJSON(enrolled, status: 201)
            },
            ARMRoute("GET", Self.agentBase + "/configuration", "Agent_Configuration", armVersioned: false) {
                request throws(ServiceError) in
                let agent = try await service.authenticateAgent(authorization: request.header("authorization"))
                let configuration = try await service.agentConfiguration(for: agent)
                // The limits profile is part of what the agent collects under, so part of the tag.
                let etag =
                    "\"\(configuration.version)-\(configuration.enabled ? 1 : 0)-\(configuration.profile.rawValue)\""
                if request.header("if-none-match") == etag {
                    return ARMResponse(status: 304, headers: [("ETag", etag)], body: Data())
                }
                var response = try Self.agentJSON(configuration)
                response.headers.append(("ETag", etag))
                return response
            },
            ARMRoute("POST", Self.agentBase + "/batches", "Agent_Upload", writes: true, armVersioned: false) {
                request throws(ServiceError) in
                let agent = try await service.authenticateAgent(authorization: request.header("authorization"))
                let batch = try Self.decodeAgent(AgentBatch.self, request)
                return try Self.agentJSON(try await service.storeAgentBatch(batch, from: agent))
            },
            ARMRoute("POST", Self.agentBase + "/heartbeat", "Agent_Heartbeat", writes: true, armVersioned: false) {
                request throws(ServiceError) in
                let agent = try await service.authenticateAgent(authorization: request.header("authorization"))
                let beat = try Self.decodeAgent(AgentHeartbeat.self, request)
                try await service.agentHeartbeat(beat, from: agent, address: request.peer ?? agent.address)
                return .empty(204)
            },
            // A Hybrid Runbook Worker's long poll for its groups' jobs.
            ARMRoute("POST", Self.agentBase + "/worker/poll", "Agent_WorkerPoll", writes: true, armVersioned: false) {
                request throws(ServiceError) in
                let agent = try await service.authenticateAgent(authorization: request.header("authorization"))
                let poll = try Self.decodeAgent(WorkerPoll.self, request)
                return try Self.agentJSON(try await service.workerPoll(poll, from: agent))
            },
            // A worker's clean stop: its node id is free at once for its next process.
            ARMRoute("POST", Self.agentBase + "/worker/stop", "Agent_WorkerStop", writes: true, armVersioned: false) {
                request throws(ServiceError) in
                let agent = try await service.authenticateAgent(authorization: request.header("authorization"))
                try await service.workerStopped(agent)
                return .empty(204)
            },
            // One of the job engine's writes, from the worker that holds the job's lease.
            ARMRoute(
                "POST", Self.agentBase + "/worker/jobs/{jobId}/record", "Agent_WorkerRecord", writes: true,
                armVersioned: false
            ) { request throws(ServiceError) in
                let agent = try await service.authenticateAgent(authorization: request.header("authorization"))
                let record = try Self.decodeAgent(WorkerRecord.self, request)
                return try Self.agentJSON(
                    try await service.workerRecord(job: request.parameter("jobId"), record, from: agent))
            },
        ]
    }

    /// The agent's JSON (dates as ISO 8601), checked by the bounded reader first.
    /// Inflated, a body other than an upload is held to the ARM limit (4 MiB), as sent plain.
    static func decodeAgent<Body: Decodable>(_ type: Body.Type, _ request: ARMRequest) throws(ServiceError) -> Body {
        let limit = Body.self == AgentBatch.self ? Self.maxAgentBodyBytes : ARMResponder.maxBodyBytes
        var request = request
        if let encoding = request.header("content-encoding"), !encoding.isEmpty, encoding != "identity" {
            guard encoding.lowercased() == "gzip" else {
                throw .invalid("Content-Encoding \(Quoted.clip(encoding)) is not gzip", target: "Content-Encoding")
            }
            do {
                request.body = try Gzip.decompress(request.body, maxBytes: limit)
            } catch {
                throw .invalid("\(error)", target: "body")
            }
        }
        _ = try request.json()
        do {
            return try AgentJSON.decoder().decode(Body.self, from: request.body)
        } catch let error as DecodingError {
            throw ARMRequest.invalid(error)
        } catch {
            throw .invalid("the request body cannot be read: \(error)", target: "body")
        }
    }

    static func agentJSON(_ value: some Encodable, status: Int = 200) throws(ServiceError) -> ARMResponse {
        do {
            return ARMResponse(
                status: status, headers: [("Content-Type", "application/json; charset=utf-8")],
                body: try AgentJSON.encoder().encode(value))
        } catch {
            throw .invalid("the answer cannot be written: \(error)")
        }
    }
}
