import Foundation

/// The OpenAPI 3.1 document of what is served, written from the route table itself
/// (schemas/openapi.json is this text; a test keeps them equal).
public enum OpenAPIDocument {
    /// The document's text for these routes (the served API's own).
    public static func text(_ routes: [ARMRoute]) -> String { make(routes.map(\.shape)).serialized() + "\n" }

    static func make(_ routes: [ARMRoute.Shape]) -> JSONValue {
        var paths: [String: [(String, JSONValue)]] = [:]
        for route in routes {
            paths["/" + route.path, default: []].append((route.method.lowercased(), operation(route)))
        }
        let error: JSONValue = .object([
            ("description", .string("Azure's error body")),
            (
                "content",
                .object([
                    (
                        "application/json",
                        .object([("schema", .object([("$ref", .string("#/components/schemas/Error"))]))])
                    )
                ])
            ),
        ])
        return .object([
            ("openapi", .string("3.1.0")),
            (
                "info",
                .object([
                    ("title", .string("runbook serve: Azure Automation ARM API")),
                    ("version", .string("2024-10-23")),
                    (
                        "description",
                        .string(
                            "The Azure Resource Manager operations of Microsoft.Automation that `runbook serve` answers, as Azure's SDKs call them. Every request needs `Authorization: Bearer TOKEN` (runbook token create)."
                        )
                    ),
                ])
            ),
            ("security", .array([.object([("bearer", .array([]))])])),
            ("paths", .object(paths.keys.sorted().map { ($0, .object(paths[$0] ?? [])) })),
            (
                "components",
                .object([
                    (
                        "securitySchemes",
                        .object([("bearer", .object([("type", .string("http")), ("scheme", .string("bearer"))]))])
                    ),
                    (
                        "schemas",
                        .object([
                            (
                                "Error",
                                .object([
                                    ("type", .string("object")), ("required", .array([.string("error")])),
                                    (
                                        "properties",
                                        .object([
                                            (
                                                "error",
                                                .object([
                                                    ("type", .string("object")),
                                                    ("required", .array([.string("code"), .string("message")])),
                                                    (
                                                        "properties",
                                                        .object([
                                                            ("code", .object([("type", .string("string"))])),
                                                            ("message", .object([("type", .string("string"))])),
                                                            ("target", .object([("type", .string("string"))])),
                                                        ])
                                                    ),
                                                ])
                                            )
                                        ])
                                    ),
                                ])
                            ),
                            ("Resource", .object([("type", .string("object"))])),
                        ])
                    ),
                    ("responses", .object([("Error", error)])),
                ])
            ),
        ])
    }

    static func operation(_ route: ARMRoute.Shape) -> JSONValue {
        var parameters: [JSONValue] = route.parameters.map { name in
            .object([
                ("name", .string(name)), ("in", .string("path")), ("required", .bool(true)),
                ("schema", .object([("type", .string("string")), ("minLength", .int(1))])),
            ])
        }
        if route.armVersioned {
            parameters.append(
                .object([
                    ("name", .string("api-version")), ("in", .string("query")), ("required", .bool(true)),
                    ("schema", .object([("type", .string("string")), ("enum", .array([.string("2024-10-23")]))])),
                ]))
        }
        for name in route.queryParameters {
            parameters.append(
                .object([
                    ("name", .string(name)), ("in", .string("query")), ("required", .bool(false)),
                    ("schema", .object([("type", .string("string"))])),
                ]))
        }
        var responses: [(String, JSONValue)] = []
        for status in route.success {
            let content: JSONValue
            switch route.body {
            case .json:
                content = .object([("application/json", .object([("schema", .object([("type", .string("object"))]))]))])
            case .text:
                content = .object([("text/plain", .object([("schema", .object([("type", .string("string"))]))]))])
            case .none: content = .object([])
            }
            var response: [(String, JSONValue)] = [
                ("description", .string(status == 202 ? "Accepted; poll the Location header" : "Success"))
            ]
            if case .object(let pairs) = content, !pairs.isEmpty { response.append(("content", content)) }
            responses.append((String(status), .object(response)))
        }
        responses.append(("default", .object([("$ref", .string("#/components/responses/Error"))])))
        var fields: [(String, JSONValue)] = [
            ("operationId", .string(route.operationId)), ("parameters", .array(parameters)),
            ("responses", .object(responses)),
        ]
        switch route.request {
        case .json:
            fields.append(
                (
                    "requestBody",
                    .object([
                        ("required", .bool(true)),
                        (
                            "content",
                            .object([
                                ("application/json", .object([("schema", .object([("type", .string("object"))]))]))
                            ])
                        ),
                    ])
                ))
        case .text:
            fields.append(
                (
                    "requestBody",
                    .object([
                        ("required", .bool(true)),
                        (
                            "content",
                            .object([("text/plain", .object([("schema", .object([("type", .string("string"))]))]))])
                        ),
                    ])
                ))
        case .none: break
        }
        if !route.authenticated { fields.append(("security", .array([]))) }
        return .object(fields)
    }
}
