import Automation

/// `Job_Create`'s body: `properties.runbook.name`, `properties.parameters`, `properties.runOn`.
struct JobCreateBody: Decodable {
    var runbook: String
    var parameters: [String: String]
    var runOn: String?

    init(from decoder: any Decoder) throws {
        let body = try decoder.container(keyedBy: BodyKey.self)
        let properties = try body.object("properties")
        let required = "properties.runbook.name is required"
        guard let runbook = try properties?.object("runbook")?.text("name", or: required) else {
            throw BodyFieldError(message: required, target: "properties.runbook.name")
        }
        self.runbook = runbook
        parameters =
            try properties?.parameters(
                "parameters", notAnObject: "properties.parameters must be an object of strings"
            ) {
                "parameter \(Quoted.clip($0)) must be a string (Azure sends parameters as strings)"
            } ?? [:]
        runOn = try properties?.text("runOn")
    }
}

/// `JobSchedule_Create`'s body: the schedule and runbook it links, with the job's parameters.
struct JobScheduleBody: Decodable {
    var schedule: String
    var runbook: String
    var parameters: [String: String]
    /// The hybrid worker group its jobs run on; nil: the service's nodes.
    var runOn: String?

    init(from decoder: any Decoder) throws {
        let body = try decoder.container(keyedBy: BodyKey.self)
        let properties = try body.object("properties")
        for field in ["schedule", "runbook"] {
            let message = "properties.\(field).name is required"
            guard try properties?.object(field)?.text("name", or: message) != nil else {
                throw BodyFieldError(message: message, target: "properties.\(field).name")
            }
        }
        schedule = try properties?.object("schedule")?.text("name") ?? ""
        runbook = try properties?.object("runbook")?.text("name") ?? ""
        runOn = try properties?.text("runOn").flatMap { $0.isEmpty ? nil : $0 }
        parameters =
            try properties?.parameters(
                "parameters", stringsOnly: true, notAnObject: "properties.parameters must be an object of strings"
            ) { "parameter \(Quoted.clip($0)) must be a string" } ?? [:]
    }
}
