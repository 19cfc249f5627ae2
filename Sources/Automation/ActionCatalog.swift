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
            name: "log",
            summary: "Write a message to one of the job's streams.",
            inputs: [
                InputSpec("message", .string, required: true, help: "The text to write."),
                InputSpec(
                    "stream", .enumeration(StreamKind.writable.map(\.rawValue)),
                    help: "Output (default), Warning, Error, Verbose, Progress or Debug."),
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

        public var noun: String {
            switch self {
            case .string: return "a string"
            case .int: return "an integer"
            case .bool: return "a boolean"
            case .enumeration(let choices): return "one of " + choices.joined(separator: ", ")
            case .stringList: return "a list of strings"
            case .stringMap: return "a mapping of strings"
            case .object: return "a mapping"
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
    static let enablement: [InputSpec] = [
        InputSpec(
            "solutions", .stringList(allowed: Solution.allCases.map(\.rawValue)),
            help: "ChangeTracking and/or Inventory; both when omitted."),
        InputSpec(
            "scope", .enumeration(EnablementScope.allCases.map(\.rawValue)),
            help: "selected (default), all-available or all-available-and-future."),
        InputSpec("account", .string, help: "Automation account to use instead of the default."),
        InputSpec("workspace", .string, help: "Log Analytics workspace to use instead of the account's own."),
        InputSpec(
            "targets",
            .object([
                InputSpec("machines", .stringList(allowed: nil), help: "Machine names; empty means all in scope."),
                InputSpec("os", .enumeration(OSFamily.allCases.map(\.rawValue)), help: "windows or linux."),
                InputSpec("location", .string, help: "Azure region, or 'any'; default: the account's."),
                InputSpec("subscription", .string, help: "Subscription id, or 'any'; default: the account's."),
                InputSpec("tags", .stringMap, help: "Tags every target must carry."),
            ]), help: "Which machines the step acts on."),
    ]
}
