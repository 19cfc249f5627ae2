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
        "job": JobTemplate.text, "schedules": SchedulesTemplate.text, "logs": LogsTemplate.text,
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
        if value is String || value is Int || value is Bool || value is [String] { return value }
        if let optional = value as? any OptionalValue {
            guard let wrapped = optional.wrapped else { return nil }
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

/// An optional seen through `Any`.
protocol OptionalValue {
    var wrapped: Any? { get }
}

extension Optional: OptionalValue {
    var wrapped: Any? { self.map { $0 as Any } }
}

/// Values as the templates show them.
enum PortalFormat {
    /// A time for `<time datetime="ISO">UTC</time>`; the script shows it in the browser's zone.
    static func time(_ date: Date?) -> [String: Any]? {
        guard let date, let (day, clock) = utcParts(date) else { return nil }
        return ["iso": day + "T" + clock + "Z", "utc": day + " " + clock + " UTC"]
    }

    /// `("2026-11-26", "18:05:52")`, by hand: a format style per time costs more than a row.
    static func utcParts(_ date: Date) -> (String, String)? {
        let interval = date.timeIntervalSince1970
        guard interval.isFinite, abs(interval) < 253_402_300_800 else { return nil }
        var seconds = time_t(interval.rounded(.down))
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return nil }
        var text = ""
        for (value, width, separator) in [
            (Int(parts.tm_year) + 1900, 4, "-"), (Int(parts.tm_mon) + 1, 2, "-"), (Int(parts.tm_mday), 2, " "),
            (Int(parts.tm_hour), 2, ":"), (Int(parts.tm_min), 2, ":"), (Int(parts.tm_sec), 2, ""),
        ] {
            let digits = String(value)
            text += String(repeating: "0", count: max(0, width - digits.count)) + digits + separator
        }
        let halves = text.split(separator: " ")
        return (String(halves[0]), String(halves[1]))
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
