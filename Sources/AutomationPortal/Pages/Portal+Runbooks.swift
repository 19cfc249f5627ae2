import Automation
import AutomationService
import Foundation

/// Runbooks: the list, one runbook's content with line numbers, and the start form built from
/// its parameter declarations (types, allowed values, defaults), with problems at their field.
extension Portal {
    func runbooksPage(_ request: PortalRequest) async -> PortalResponse {
        do {
            let runbooks = try await service.runbooks()
            let rows: [[String: Any]] = runbooks.map {
                [
                    "name": $0.name, "href": PortalFormat.path($0.name), "state": $0.state.rawValue,
                    "description": $0.description, "updated": PortalFormat.time($0.updatedAt) as Any,
                ]
            }
            return render("runbooks", request, ["title": "Runbooks", "runbooks": rows, "hasRunbooks": !rows.isEmpty])
        } catch {
            return failure(error)
        }
    }

    /// One runbook. `errors` are the start form's problems; `values` what was posted.
    func runbookPage(
        _ request: PortalRequest, name: String, errors: [String], values: [String: String], status: Int = 200
    ) async -> PortalResponse {
        do {
            let resource = try await service.runbook(named: name)
            let content = resource.published?.content ?? resource.draft?.content ?? ""
            var lineProblems: [Int: [String]] = [:]
            if let draft = resource.draft?.content {
                do {
                    _ = try RunbookLoader.parse(Array(draft.utf8), label: name, expectedName: name)
                } catch {
                    for diagnostic in error.diagnostics {
                        lineProblems[diagnostic.mark.line, default: []].append(diagnostic.message)
                    }
                }
            }
            let lines: [[String: Any]] = content.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                .map { index, line in
                    [
                        "number": index + 1, "text": String(line), "problems": lineProblems[index + 1] ?? [],
                        "invalid": lineProblems[index + 1] != nil,
                    ]
                }
            let runbook = try? resource.loadedPublished()?.runbook
            var general = errors
            let fields: [[String: Any]] = (runbook?.parameters ?? []).map { spec in
                let mine = errors.filter { $0.contains("'\(spec.name)'") || $0.contains(" \(spec.name) ") }
                general.removeAll { mine.contains($0) }
                return field(spec, value: values[spec.name], problems: mine)
            }
            return render(
                "runbook", request,
                [
                    "title": "Runbook \(resource.name)", "name": resource.name,
                    "href": PortalFormat.path(resource.name),
                    "description": resource.description, "state": resource.state.rawValue, "lines": lines,
                    "published": runbook != nil, "fields": fields, "hasFields": !fields.isEmpty, "errors": general,
                    "from": resource.publishedFrom as Any,
                ], status: status)
        } catch {
            return failure(error)
        }
    }

    private func field(_ spec: ParameterSpec, value: String?, problems: [String]) -> [String: Any] {
        let current = value ?? spec.defaultValue.map(Self.text) ?? ""
        var result: [String: Any] = [
            "name": spec.name, "type": spec.type.rawValue, "description": spec.description, "required": spec.required,
            "value": current, "problems": problems, "invalid": !problems.isEmpty,
            "id": "p-" + PortalFormat.path(spec.name),
            "defaultText": spec.defaultValue.map(Self.text).flatMap { $0.isEmpty ? nil : "default: " + $0 } as Any,
        ]
        if let allowed = spec.allowed, spec.type != .list {
            result["choices"] = allowed.map { ["value": Self.text($0), "selected": Self.text($0) == current] }
            result["hasChoices"] = true
        } else if spec.type == .bool {
            result["choices"] = ["true", "false"].map { ["value": $0, "selected": $0 == current] }
            result["hasChoices"] = true
        } else {
            result["input"] = spec.type == .int ? "number" : "text"
            if spec.type == .list {
                result["listHint"] =
                    "comma-separated"
                    + (spec.allowed.map { "; allowed: " + $0.map(Self.text).joined(separator: ", ") } ?? "")
            }
        }
        return result
    }

    /// A value as the form shows it (lists comma-separated, as `-p` takes them).
    static func text(_ value: Value) -> String {
        if case .list(let items) = value { return items.map(\.description).joined(separator: ", ") }
        return value.description
    }

    func startJob(_ request: PortalRequest, runbook name: String) async -> PortalResponse {
        var parameters: [String: String] = [:]
        var posted: [String: String] = [:]
        for (key, value) in request.form where key.hasPrefix("p.") {
            let parameter = String(key.dropFirst(2))
            posted[parameter] = value
            let published = try? await service.runbook(named: name).loadedPublished()?.runbook
            if let spec = published?.parameter(named: parameter),
                value.isEmpty, spec.type != .string || spec.defaultValue != nil
            {
                continue
            }
            parameters[parameter] = value
        }
        do {
            let job = try await service.startJob(
                runbook: name, parameters: parameters, jobId: UUID().uuidString.lowercased(), runOn: nil,
                startedBy: "portal:" + (request.token?.name ?? ""), submission: submission)
            return .redirect(Self.root + "/jobs/" + PortalFormat.path(job.id))
        } catch {
            let problems: [String]
            if case .invalid(let message, _, _) = error {
                problems = message.components(separatedBy: "; ")
            } else {
                problems = [error.description]
            }
            return await runbookPage(request, name: name, errors: problems, values: posted, status: error.httpStatus)
        }
    }
}
