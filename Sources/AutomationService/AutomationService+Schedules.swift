import Automation
import AutomationStore
import Crypto
import Foundation

/// Schedules and Azure's job schedules (a schedule's link to a runbook with parameters). A
/// link is checked against the runbook's published version when it is made.
extension AutomationService {
    public func schedules() async throws(ServiceError) -> [Schedule] {
        do {
            return try await scheduleStore.schedules()
        } catch {
            throw Self.storeError(error)
        }
    }

    public func schedule(named name: String) async throws(ServiceError) -> Schedule {
        let found: Schedule?
        do {
            found = try await scheduleStore.schedule(named: name)
        } catch {
            throw Self.storeError(error)
        }
        guard let found else { throw await scheduleNotFound(name) }
        return found
    }

    /// Creates or replaces a schedule; its links are kept when it is replaced (Azure keeps job
    /// schedules when a schedule is updated). Returns whether it was created.
    public func saveSchedule(_ schedule: Schedule) async throws(ServiceError) -> Bool {
        if let problem = ResourceName.problem(schedule.name, kind: "schedule") {
            throw .invalid(problem, target: "name")
        }
        let problems = schedule.problems()
        guard problems.isEmpty else { throw .invalid(problems.joined(separator: "; "), target: "properties") }
        switch try await createOrReplace(schedule) {
        case .created: return true
        case .replaced: return false
        case .lostRace:
            // Another request (another node) created it between the read and the insert: this
            // one replaces it, as it would have a moment later.
            return try await createOrReplace(schedule) == .created
        }
    }

    private enum ScheduleSave { case created, replaced, lostRace }

    /// Creates the schedule if there is none of its name, else replaces it keeping its links.
    private func createOrReplace(_ schedule: Schedule) async throws(ServiceError) -> ScheduleSave {
        var schedule = schedule
        let existing = try? await self.schedule(named: schedule.name)
        if let existing { schedule.links = existing.links }
        do {
            try await scheduleStore.saveSchedule(schedule, replace: existing != nil, at: now())
        } catch StoreError.alreadyExists where existing == nil {
            return .lostRace
        } catch {
            throw Self.storeError(error)
        }
        return existing == nil ? .created : .replaced
    }

    /// The schedule of this name, or nil (a front end that words its own not-found).
    public func findSchedule(named name: String) async throws(ServiceError) -> Schedule? {
        try await storeCall { try await scheduleStore.schedule(named: name) }
    }

    public func scheduleNames() async throws(ServiceError) -> [String] {
        try await storeCall { try await scheduleStore.scheduleNames() }
    }

    /// One thing wrong with a schedule to create. `unpublishedRunbook` names the runbook of a
    /// link that is not published, so a front end can say how to publish it.
    public struct ScheduleProblem: Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var unpublishedRunbook: String?
        public var description: String { message }
    }

    /// Everything wrong with a schedule before it is saved: its name, recurrence and policies,
    /// and each link checked against the published runbook it starts (a schedule starts the
    /// published version, so a scheduler started anywhere runs what was checked here).
    public func problems(of schedule: Schedule) async throws(ServiceError) -> [ScheduleProblem] {
        var problems: [ScheduleProblem] = []
        if let problem = ResourceName.problem(schedule.name, kind: "schedule") {
            problems.append(ScheduleProblem(message: problem))
        }
        problems += schedule.problems().map { ScheduleProblem(message: $0) }
        for link in schedule.links {
            let resource: RunbookResource
            do {
                resource = try await runbook(named: link.runbook)
            } catch .notFound(let kind, let name, let hint) {
                let missing = ServiceError.notFound(kind: kind, name: name, hint: hint)
                problems.append(
                    ScheduleProblem(
                        message: "link to '\(link.runbook)': \(missing.description)", unpublishedRunbook: link.runbook))
                continue
            }
            guard resource.published != nil else {
                problems.append(
                    ScheduleProblem(
                        message: "link to '\(link.runbook)': runbook '\(link.runbook)' is not published",
                        unpublishedRunbook: link.runbook))
                continue
            }
            do {
                let runbook = try await publishedRunbook(named: link.runbook).runbook
                problems += ScheduleLinks.problems(link, runbook: runbook).map { ScheduleProblem(message: $0) }
            } catch {
                problems.append(ScheduleProblem(message: "link to '\(link.runbook)': \(error.description)"))
            }
        }
        return problems
    }

    /// Creates a schedule with its links after checking it whole (`problems(of:)`); without
    /// `replace`, one of the same name is a conflict.
    public func createSchedule(_ schedule: Schedule, replace: Bool) async throws(ServiceError) {
        let problems = try await problems(of: schedule)
        guard problems.isEmpty else {
            throw .invalid(problems.map(\.message).joined(separator: "; "), target: "schedule")
        }
        try await storeCall { try await scheduleStore.saveSchedule(schedule, replace: replace, at: now()) }
    }

    /// Enables or disables a schedule, even one whose stored definition cannot be read; no such
    /// schedule is `notFound` with a suggestion.
    public func setScheduleEnabled(_ name: String, _ enabled: Bool) async throws(ServiceError) {
        guard try await storeCall({ try await scheduleStore.setScheduleEnabled(name, enabled, at: now()) }) else {
            throw await scheduleNotFound(name)
        }
    }

    /// Deletes a schedule (its past jobs stay), even one whose stored definition cannot be read.
    public func deleteSchedule(named name: String) async throws(ServiceError) {
        guard try await storeCall({ try await scheduleStore.deleteSchedule(named: name) }) else {
            throw await scheduleNotFound(name)
        }
    }

    /// No schedule named `name`, with the nearest names as a hint.
    func scheduleNotFound(_ name: String) async -> ServiceError {
        let names = (try? await scheduleStore.scheduleNames()) ?? []
        return .notFound(kind: "schedule", name: name, hint: Suggestion.hint(for: name, among: names))
    }

    /// A link as Azure's job schedule.
    public struct JobScheduleLink: Sendable, Hashable {
        public var id: String
        public var schedule: String
        public var runbook: String
        public var parameters: [String: String]
        /// The hybrid worker group its jobs run on; nil: the service's nodes.
        public var runOn: String?
    }

    public func jobSchedules() async throws(ServiceError) -> [JobScheduleLink] {
        try await schedules().flatMap { schedule in
            schedule.links.map { link in
                JobScheduleLink(
                    id: Self.jobScheduleId(link, schedule: schedule.name), schedule: schedule.name,
                    runbook: link.runbook, parameters: link.parameters, runOn: link.runOn)
            }
        }
    }

    public func jobSchedule(id: String) async throws(ServiceError) -> JobScheduleLink {
        guard let found = try await jobSchedules().first(where: { $0.id == id.lowercased() }) else {
            throw .notFound(kind: "job schedule", name: id, hint: "")
        }
        return found
    }

    public func createJobSchedule(
        id: String, schedule name: String, runbook: String, parameters: [String: String], runOn: String? = nil
    ) async throws(ServiceError) -> JobScheduleLink {
        guard UUID(uuidString: id) != nil else {
            throw .invalid("job schedule id '\(id)' is not a GUID", target: "jobScheduleId")
        }
        var schedule = try await schedule(named: name)
        let loaded = try await publishedRunbook(named: runbook)
        if let runOn, let problem = ResourceName.problem(runOn, kind: "hybrid worker group") {
            throw .invalid(problem, target: "properties.runOn")
        }
        let link = ScheduleLink(runbook: runbook, parameters: parameters, jobScheduleId: id.lowercased(), runOn: runOn)
        let problems = ScheduleLinks.problems(link, runbook: loaded.runbook)
        guard problems.isEmpty else {
            throw .invalid(problems.joined(separator: "; "), target: "properties.parameters")
        }
        if try await jobSchedules().contains(where: { $0.id == id.lowercased() }) {
            throw .conflict("a job schedule with id '\(id)' already exists")
        }
        if schedule.links.contains(where: { $0.runbook == runbook }) {
            throw .conflict("A job schedule for the same runbook and schedule already exists.")
        }
        schedule.links.append(link)
        try await replace(schedule)
        return JobScheduleLink(
            id: id.lowercased(), schedule: name, runbook: runbook, parameters: parameters, runOn: runOn)
    }

    public func deleteJobSchedule(id: String) async throws(ServiceError) {
        let found = try await jobSchedule(id: id)
        var schedule = try await schedule(named: found.schedule)
        schedule.links.removeAll { Self.jobScheduleId($0, schedule: schedule.name) == found.id }
        try await replace(schedule)
    }

    private func replace(_ schedule: Schedule) async throws(ServiceError) {
        do {
            try await scheduleStore.saveSchedule(schedule, replace: true, at: now())
        } catch {
            throw Self.storeError(error)
        }
    }

    /// The link's own id, or one derived from schedule and runbook (stable across calls).
    static func jobScheduleId(_ link: ScheduleLink, schedule: String) -> String {
        if let id = link.jobScheduleId { return id }
        let digest = Array(SHA256.hash(data: Data("\(schedule)\u{0}\(link.runbook)".utf8)))
        var bytes = Array(digest.prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50  // version 5 shape
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [
            hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4),
            hex.dropFirst(20),
        ]
        return parts.joined(separator: "-")
    }
}
