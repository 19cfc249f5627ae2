import Automation
import AutomationService
import ChangeTracking
import Foundation

/// Tracking settings: the tracked files and registry keys with their state; add, edit and
/// remove through the configure-tracking rules and limits (the same errors as `runbook tracking`).
extension Portal {
    func trackingPage(_ request: PortalRequest, errors: [String], notice: String?, status: Int = 200) async
        -> PortalResponse
    {
        do {
            guard let account = try await service.defaultAccount() else {
                return error(404, "No account", "The store has no Automation account; run 'runbook init'.")
            }
            let settings = try await service.trackingSettings(account: account.account.name).settings
            let editing = request.parameter("edit")
            let file = settings.files.first(where: { $0.name == editing })
            let key = settings.registry.first(where: { $0.name == editing })
            let files: [[String: Any]] = settings.files.map {
                [
                    "name": $0.name, "os": $0.os.rawValue, "path": $0.path, "pathType": $0.pathType.rawValue,
                    "recurse": $0.recurse, "enabled": $0.enabled, "group": $0.group,
                    "edit": PortalFormat.query($0.name),
                ]
            }
            let registry: [[String: Any]] = settings.registry.map {
                [
                    "name": $0.name, "key": $0.key, "value": $0.value ?? "", "enabled": $0.enabled, "group": $0.group,
                    "edit": PortalFormat.query($0.name),
                ]
            }
            let form: [String: Any] = [
                "original": file?.name ?? request.value("original") ?? "",
                "name": file?.name ?? request.value("name") ?? "", "path": file?.path ?? request.value("path") ?? "",
                "windows": (file?.os ?? OSFamily(rawValue: request.value("os") ?? "")) == .windows,
                "folder": file?.pathType == .folder, "recurse": file?.recurse ?? false,
                "enabled": file?.enabled ?? true, "group": file?.group ?? "Custom",
            ]
            let registryForm: [String: Any] = [
                "original": key?.name ?? "",
                "name": key?.name ?? "", "key": key?.key ?? "", "value": key?.value ?? "",
                "enabled": key?.enabled ?? true,
                "group": key?.group ?? "Custom",
            ]
            return render(
                "tracking", request,
                [
                    "title": "Tracking settings", "account": account.account.name, "files": files,
                    "hasFiles": !files.isEmpty, "registry": registry, "errors": errors, "notice": notice as Any,
                    "file": form, "registryForm": registryForm, "editingFile": file != nil, "editingKey": key != nil,
                    "profile": account.account.profile.rawValue,
                ], status: status)
        } catch {
            return failure(error)
        }
    }

    /// Adds or changes one file or registry item (an existing name is changed); an item edited
    /// under a new name is renamed (the old name removed in the same save).
    func saveTracked(_ request: PortalRequest) async -> PortalResponse {
        let name = (request.value("name") ?? "").trimmingCharacters(in: .whitespaces)
        let enabled = request.value("enabled") == "on"
        let group = request.value("group").flatMap { $0.isEmpty ? nil : $0 } ?? "Custom"
        var configuration = ConfigurationRequest()
        if let original = request.value("original"), !original.isEmpty, original != name {
            configuration.remove = [original]
        }
        if request.value("kind") == "registry" {
            let value = request.value("value") ?? ""
            configuration.registry = [
                TrackedRegistryKey(
                    name: name, group: group, enabled: enabled, key: request.value("key") ?? "",
                    value: value.isEmpty ? nil : value)
            ]
        } else {
            configuration.files = [
                TrackedFile(
                    name: name, group: group, enabled: enabled,
                    os: request.value("os") == "windows" ? .windows : .linux, path: request.value("path") ?? "",
                    pathType: request.value("pathType") == "folder" ? .folder : .file,
                    recurse: request.value("recurse") == "on")
            ]
        }
        return await configure(request, configuration, done: "saved=" + PortalFormat.query(name))
    }

    func removeTracked(_ request: PortalRequest) async -> PortalResponse {
        let name = request.value("name") ?? ""
        return await configure(
            request, ConfigurationRequest(remove: [name]), done: "removed=" + PortalFormat.query(name))
    }

    /// `done`: the query the page is shown with afterwards, which says what was done.
    private func configure(_ request: PortalRequest, _ configuration: ConfigurationRequest, done: String) async
        -> PortalResponse
    {
        let sink = CollectingSink()
        do {
            let applied = try await service.configureTracking(configuration, sink: sink)
            let records = await sink.records
            if applied { return .redirect(Self.root + "/tracking?" + done) }
            let errors = records.filter { $0.kind == .error }.map(\.message)
            return await trackingPage(
                request, errors: errors.isEmpty ? records.map(\.message) : errors, notice: nil, status: 400)
        } catch {
            return await trackingPage(request, errors: ["\(error)"], notice: nil, status: 400)
        }
    }
}
