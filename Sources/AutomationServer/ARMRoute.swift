import AutomationService

/// One operation of the API: a method, a path template, whether it changes state (a reader
/// token may not call it), and its handler. The table of routes is the one source of what is
/// served: the responder builds its trie from it (`ARMRouter`), and a test keeps
/// schemas/openapi.json equal to it.
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
}
