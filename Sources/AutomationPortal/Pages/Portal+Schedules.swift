import Automation
import AutomationService
import Foundation

/// Schedules: each with its next fires, its last fires and their outcome, and enable/disable.
extension Portal {
    func schedulesPage(_ request: PortalRequest) async -> PortalResponse {
        do {
            let now = Date()
            var rows: [[String: Any]] = []
            for schedule in try await service.schedules() {
                let problems = schedule.problems()
                let next = problems.isEmpty && schedule.enabled ? schedule.recurrence.preview(after: now, count: 3) : []
                let fires = (try? await service.fires(schedule: schedule.name, limit: 5)) ?? []
                rows.append([
                    "name": schedule.name, "href": PortalFormat.path(schedule.name), "enabled": schedule.enabled,
                    "frequency": schedule.recurrence.summary,
                    "zone": schedule.recurrence.timeZone,
                    "runbooks": schedule.links.map(\.runbook).joined(separator: ", "),
                    "next": next.map { PortalFormat.time($0) as Any }, "problems": problems,
                    "fires": fires.map { fire in
                        [
                            "at": PortalFormat.time(fire.fireTime) as Any, "status": fire.status.rawValue,
                            "job": fire.jobId.map(PortalFormat.path) as Any, "reason": fire.reason ?? "",
                        ]
                    },
                ])
            }
            return render(
                "schedules", request,
                [
                    "title": "Schedules", "schedules": rows, "hasSchedules": !rows.isEmpty,
                    "notice": request.parameter("done").map { "Schedule \($0)." } as Any,
                ])
        } catch {
            return failure(error)
        }
    }

    func scheduleAction(_ request: PortalRequest, name: String, action: String) async -> PortalResponse {
        guard action == "enable" || action == "disable" else {
            return notFound("A schedule can be enabled or disabled here.")
        }
        do {
            try await service.setScheduleEnabled(name, action == "enable")
            return .redirect(Self.root + "/schedules?done=\(action)d")
        } catch {
            return failure(error)
        }
    }
}
