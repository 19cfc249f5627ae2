/// `AutomationAccount_CreateOrUpdate`'s body: the account's Azure region.
struct AccountBody: Decodable {
    var location: String

    init(from decoder: any Decoder) throws {
        let body = try decoder.container(keyedBy: BodyKey.self)
        let message = "'location' is required: the Azure region of the account"
        guard let location = try body.text("location", or: message) else {
            throw BodyFieldError(message: message, target: "location")
        }
        self.location = location
    }
}

/// `Runbook_CreateOrUpdate`'s body: the type (only Yaml runs here), description and logging flags.
struct RunbookBody: Decodable {
    var type: String
    var description: String?
    var logVerbose: Bool?
    var logProgress: Bool?

    init(from decoder: any Decoder) throws {
        let body = try decoder.container(keyedBy: BodyKey.self)
        let properties = try body.object("properties")
        let message = "properties.runbookType is required ('Yaml')"
        guard let type = try properties?.text("runbookType", or: message) else {
            throw BodyFieldError(message: message, target: "properties.runbookType")
        }
        self.type = type
        description = try properties?.text("description")
        logVerbose = properties?.flag("logVerbose")
        logProgress = properties?.flag("logProgress")
    }
}

/// `Schedule_Update`'s body: only `properties.isEnabled` changes.
struct ScheduleUpdateBody: Decodable {
    var isEnabled: Bool?

    init(from decoder: any Decoder) throws {
        let body = try decoder.container(keyedBy: BodyKey.self)
        guard let properties = try body.object("properties"), properties.contains(BodyKey("isEnabled")) else {
            isEnabled = nil
            return
        }
        guard let flag = properties.flag("isEnabled") else {
            throw BodyFieldError(message: "properties.isEnabled is true or false", target: "properties.isEnabled")
        }
        isEnabled = flag
    }
}

/// Log Analytics' query body: the KQL text and an optional ISO 8601 timespan.
struct LogQueryBody: Decodable {
    var query: String
    var timespan: String?

    init(from decoder: any Decoder) throws {
        let body = try decoder.container(keyedBy: BodyKey.self)
        let message = "the request body has no 'query' string"
        guard let query = try body.text("query", or: message) else {
            throw BodyFieldError(message: message, target: "query")
        }
        self.query = query
        timespan = try? body.text("timespan")
    }
}
