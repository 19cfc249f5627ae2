/// The actions a runbook step may name and the inputs each one takes.
///
/// This is the contract the loader validates against; the engine supplies one
/// implementation per entry (a test checks that none is missing).
public enum ActionCatalog {
    public static let all: [ActionSignature] = [
        ActionSignature(
            name: "enable-tracking",
            summary: "Enable Change Tracking and/or Inventory on the target machines.",
            inputs: TrackingInputs.enablement
        ),
        ActionSignature(
            name: "disable-tracking",
            summary: "Disable Change Tracking and/or Inventory on the target machines.",
            inputs: TrackingInputs.enablement
        ),
        ActionSignature(
            name: "configure-tracking",
            summary: "Add, change or remove tracked files and registry keys; stored as a new settings version.",
            inputs: TrackingInputs.configuration
        ),
        ActionSignature(
            name: "scan",
            summary: "Collect inventory on the target machines, store it and record what changed.",
            inputs: TrackingInputs.scan
        ),
        ActionSignature(
            name: "assert-no-changes",
            summary: "Fail the job when changes matching the filters were recorded (a drift gate).",
            inputs: TrackingInputs.assertion
        ),
        ActionSignature(
            name: "report-changes",
            summary: "Write a summary of the changes recorded since a time to the Output stream.",
            inputs: [
                InputSpec("since", .string, help: "A duration such as 7d (default 24h)."),
                InputSpec("machines", .stringList(allowed: nil), help: "Only these machines; all when omitted."),
                InputSpec(
                    "query", .string,
                    help: "A KQL query (as in `runbook query`) whose rows are reported instead, over the last 'since'."),
            ]
        ),
        ActionSignature(
            name: "log",
            summary: "Write a message to one of the job's streams.",
            inputs: [
                InputSpec("message", .string, required: true, help: "The text to write."),
                InputSpec(
                    "stream", .enumeration(StreamKind.writable.map(\.rawValue)),
                    help: "Output (default), Warning, Error, Verbose, Progress or Debug."),
            ]
        ),
        ActionSignature(
            name: "wait",
            summary: "Wait a number of seconds (let a service settle after a change), as Start-Sleep does.",
            inputs: [
                InputSpec("seconds", .int, required: true, help: "Seconds to wait, 0 to 86400.")
            ]
        ),
    ]

    public static var names: [String] { all.map(\.name) }

    public static func signature(named name: String) -> ActionSignature? {
        all.first { $0.name == name }
    }
}

public struct ActionSignature: Sendable {
    public var name: String
    public var summary: String
    public var inputs: [InputSpec]
}

/// One input an action takes, with its type.
public struct InputSpec: Sendable {
    public indirect enum InputType: Sendable {
        case string
        case int
        case bool
        case enumeration([String])
        case stringList(allowed: [String]?)
        case stringMap
        case object([InputSpec])
        case objectList([InputSpec])

        public var noun: String {
            switch self {
            case .string: return "a string"
            case .int: return "an integer"
            case .bool: return "a boolean"
            case .enumeration(let choices): return "one of " + choices.joined(separator: ", ")
            case .stringList: return "a list of strings"
            case .stringMap: return "a mapping of strings"
            case .object: return "a mapping"
            case .objectList: return "a list of mappings"
            }
        }
    }

    public var name: String
    public var type: InputType
    public var required: Bool
    public var help: String

    public init(_ name: String, _ type: InputType, required: Bool = false, help: String) {
        self.name = name
        self.type = type
        self.required = required
        self.help = help
    }
}

enum TrackingInputs {
    static let targets = InputSpec(
        "targets",
        .object([
            InputSpec("machines", .stringList(allowed: nil), help: "Machine names; empty means all in scope."),
            InputSpec("os", .enumeration(OSFamily.allCases.map(\.rawValue)), help: "windows or linux."),
            InputSpec("location", .string, help: "Azure region, or 'any'; default: the account's."),
            InputSpec("subscription", .string, help: "Subscription id, or 'any'; default: the account's."),
            InputSpec("tags", .stringMap, help: "Tags every target must carry."),
        ]), help: "Which machines the step acts on.")

    static let configuration: [InputSpec] = [
        InputSpec("account", .string, help: "Automation account whose settings change; default: the default account."),
        InputSpec(
            "files",
            .objectList([
                InputSpec("name", .string, required: true, help: "Item name, unique among files."),
                InputSpec("group", .string, help: "Group shown with the item."),
                InputSpec("enabled", .bool, help: "Whether it is collected (default true)."),
                InputSpec(
                    "os", .enumeration(OSFamily.allCases.map(\.rawValue)), required: true, help: "windows or linux."),
                InputSpec("path", .string, required: true, help: "Absolute path; wildcards only in the last segment."),
                InputSpec(
                    "pathType", .enumeration(TrackedFile.PathType.allCases.map(\.rawValue)), help: "file or folder."),
                InputSpec("recurse", .bool, help: "Descend into subfolders."),
                InputSpec(
                    "uploadContent", .bool, help: "Keep the file's content (up to 64 KiB, base64) with the inventory."),
                InputSpec(
                    "useSudo", .bool,
                    help: "Linux: read with elevated rights (kept for Azure fidelity; the scanner reads with its own)."),
                InputSpec(
                    "links", .enumeration(LinkHandling.allCases.map(\.rawValue)), help: "ignore, follow or manage."),
            ]), help: "File items to add or change (matched by name)."),
        InputSpec(
            "registry",
            .objectList([
                InputSpec("name", .string, required: true, help: "Item name, unique among registry keys."),
                InputSpec("group", .string, help: "Group shown with the item."),
                InputSpec("enabled", .bool, help: "Whether it is collected (default true)."),
                InputSpec("key", .string, required: true, help: "HKEY_LOCAL_MACHINE\\..."),
                InputSpec("value", .string, help: "One value of the key; all values when omitted."),
                InputSpec("recurse", .bool, help: "Subkeys too (refused by the azure profile)."),
            ]), help: "Registry items to add or change (matched by name)."),
        InputSpec(
            "enableDefaultRegistryKeys", .bool, help: "Enable every registry key Azure ships (they start disabled)."),
        InputSpec("remove", .stringList(allowed: nil), help: "Names of file or registry items to remove."),
        InputSpec("servicesFrequency", .string, help: "Windows services collection frequency, 10s to 30m."),
    ]

    static let scan: [InputSpec] = [
        InputSpec("account", .string, help: "Automation account; default: the default account."),
        targets,
        InputSpec(
            "failOnChangesUnder", .stringList(allowed: nil),
            help: "Path prefixes: file changes this scan finds under them fail the step (a drift gate)."),
    ]

    static let assertion: [InputSpec] = [
        InputSpec("since", .string, help: "A duration such as 1h, or 'job' (default): changes recorded by this job."),
        InputSpec(
            "types", .stringList(allowed: ConfigType.allCases.map(\.rawValue)),
            help: "Change types to watch; all when omitted."),
        InputSpec("paths", .stringList(allowed: nil), help: "Watch only items whose name starts with one of these."),
        InputSpec("machines", .stringList(allowed: nil), help: "Watch only these machines."),
        InputSpec(
            "query", .string,
            help: "A KQL query (as in `runbook query`): the gate fails when it returns rows. "
                + "Replaces types, paths and machines; a duration 'since' is its timespan."),
    ]

    static let enablement: [InputSpec] = [
        InputSpec(
            "solutions", .stringList(allowed: Solution.allCases.map(\.rawValue)),
            help: "ChangeTracking and/or Inventory; both when omitted."),
        InputSpec(
            "scope", .enumeration(EnablementScope.allCases.map(\.rawValue)),
            help: "selected (default), all-available or all-available-and-future."),
        InputSpec("account", .string, help: "Automation account to use instead of the default."),
        InputSpec("workspace", .string, help: "Log Analytics workspace to use instead of the account's own."),
        targets,
    ]
}
