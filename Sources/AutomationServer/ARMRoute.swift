import AutomationService

/// One operation of the API: a method, a path template, whether it changes state (a reader
/// token may not call it), and its handler. The table of routes is the one source of what is
/// served: the responder matches it, and a test keeps schemas/openapi.json equal to it.
public struct ARMRoute: Sendable {
    public enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public var method: String
    public var template: [Segment]
    public var operationId: String
    public var writes: Bool
    /// Whether requests carry `api-version` (the ARM routes) or not (the service's own).
    public var armVersioned: Bool
    public var handler: @Sendable (ARMRequest) async throws(ServiceError) -> ARMResponse

    public init(
        _ method: String, _ path: String, _ operationId: String, writes: Bool = false, armVersioned: Bool = true,
        handler: @escaping @Sendable (ARMRequest) async throws(ServiceError) -> ARMResponse
    ) {
        self.method = method
        self.template = path.split(separator: "/").map { part in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
        self.operationId = operationId
        self.writes = writes
        self.armVersioned = armVersioned
        self.handler = handler
    }

    /// `/subscriptions/{subscriptionId}/...`, as OpenAPI writes paths.
    public var path: String {
        "/"
            + template.map {
                switch $0 {
                case .literal(let text): text
                case .parameter(let name): "{\(name)}"
                }
            }.joined(separator: "/")
    }

    /// ASCII letters compared without case (every literal of an ARM path is ASCII); cheaper
    /// than Foundation's Unicode comparison, which every request made for every route.
    static func asciiCaseInsensitiveEqual(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        for (x, y) in zip(a.utf8, b.utf8) where x != y {
            guard x | 0x20 == y | 0x20, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(x | 0x20) else { return false }
        }
        return true
    }

    /// The path parameters when `segments` fit this template.
    func match(_ segments: [String]) -> [String: String]? {
        guard segments.count == template.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, template) {
            switch part {
            case .literal(let text):
                // ARM paths are case-insensitive in their fixed parts (resourcegroups works too).
                guard Self.asciiCaseInsensitiveEqual(segment, text) else { return nil }
            case .parameter(let name):
                parameters[name] = segment
            }
        }
        return parameters
    }
}
