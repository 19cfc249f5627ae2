import Foundation
import Mustache

/// The templates, compiled into the binary (Templates/*.swift) and parsed once at start.
/// `{{x}}` escapes HTML; the templates never use the unescaped forms.
struct PortalTemplates: Sendable {
    let library: MustacheLibrary

    static let sources: [String: String] = [
        "layout": LayoutTemplate.text, "signin": SignInTemplate.text, "error": ErrorTemplate.text,
        "machines": MachinesTemplate.text, "enabled": EnabledTemplate.text, "changes": ChangesTemplate.text,
        "change": ChangeTemplate.text, "inventory": InventoryTemplate.text, "tracking": TrackingTemplate.text,
        "runbooks": RunbooksTemplate.text, "runbook": RunbookTemplate.text, "jobs": JobsTemplate.text,
        "job": JobTemplate.text, "schedules": SchedulesTemplate.text,
    ]

    init() throws {
        var library = MustacheLibrary()
        for (name, text) in Self.sources {
            try library.register(text, named: name)
        }
        self.library = library
    }

    func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(Self.present(context) ?? [:], withTemplate: name) ?? "template \(name) is missing"
    }

    /// The value without absent optionals: a key whose value is nil is dropped, so that
    /// `{{#key}}` sections skip it (Mustache would render an `Optional.none` inside `Any`).
    static func present(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return present(wrapped)
        }
        if let dictionary = value as? [String: Any] {
            return dictionary.compactMapValues { present($0) }
        }
        if let array = value as? [[String: Any]] {
            return array.map { present($0) ?? [:] }
        }
        if let array = value as? [Any], !(value is [String]) {
            return array.compactMap { present($0) }
        }
        return value
    }
}

/// Values as the templates show them.
enum PortalFormat {
    /// A time for `<time datetime="ISO">UTC</time>`; the script shows it in the browser's zone.
    static func time(_ date: Date?) -> [String: Any]? {
        guard let date else { return nil }
        let iso = date.formatted(.iso8601)
        return [
            "iso": iso,
            "utc": iso.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "") + " UTC",
        ]
    }

    /// A path component, percent-encoded for an `href` (Mustache escapes the HTML).
    static func path(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: pathCharacters) ?? ""
    }

    /// A query value, percent-encoded.
    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: pathCharacters) ?? ""
    }

    private static let pathCharacters: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    /// Options for a `<select>`: every value, the selected one marked.
    static func options(_ values: [String], selected: String?, any: String? = nil) -> [[String: Any]] {
        var result: [[String: Any]] = []
        if let any { result.append(["value": "", "label": any, "selected": selected == nil]) }
        for value in values {
            result.append(["value": value, "label": value, "selected": value == selected])
        }
        return result
    }
}
