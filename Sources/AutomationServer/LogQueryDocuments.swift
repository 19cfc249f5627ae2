import AutomationService
import Foundation
import KQL

/// Log Analytics' response bodies: tables with typed columns, statistics and render when the
/// client prefers them, `PartialError` beside partial rows, and `BadArgumentError` with the
/// position of a query's error.
public enum LogQueryDocuments {
    static func response(_ result: LogQueryResult, preferences: LogQueryPreferences) -> JSONValue {
        var fields: [(String, JSONValue)] = [("tables", .array([table(result.table)]))]
        if preferences.statistics {
            fields.append(("statistics", statistics(result)))
        }
        if preferences.render, let render = result.render {
            var properties: [(String, JSONValue)] = [("visualization", .string(render.visualization))]
            for key in render.properties.keys.sorted() {
                properties.append((key, .string(render.properties[key] ?? "")))
            }
            fields.append(("render", .object(properties)))
        }
        if let partial = result.partial {
            fields.append(("error", partialError(partial)))
        }
        return .object(fields)
    }

    public static func table(_ table: KQLResultTable) -> JSONValue {
        .object([
            ("name", .string(table.name)),
            (
                "columns",
                .array(
                    table.columns.map { .object([("name", .string($0.name)), ("type", .string($0.type.rawValue))]) })
            ),
            ("rows", .array(table.rows.map { .array($0.map(value)) })),
        ])
    }

    /// Rows as objects in column order, as `az monitor log-analytics query` prints them.
    public static func objects(_ table: KQLResultTable) -> JSONValue {
        .array(
            table.rows.map { row in
                .object(zip(table.columns, row).map { ($0.name, value($1)) })
            })
    }

    /// A value as the API writes it: datetimes in ISO 8601 UTC, timespans as `[d.]hh:mm:ss`,
    /// dynamic values as the JSON they hold.
    public static func value(_ value: KQLValue) -> JSONValue {
        switch value {
        case .null: .null
        case .string(let text), .guid(let text): .string(text)
        case .long(let number): .int(Int(number))
        case .real(let number): .number(number)
        case .bool(let flag): .bool(flag)
        case .datetime(let date): .string(LogValueText.datetime(date))
        case .timespan(let seconds): .string(LogValueText.timespan(seconds))
        case .dynamic(let json): JSONValue.parse(Data(json.utf8)) ?? .string(json)
        }
    }

    static func statistics(_ result: LogQueryResult) -> JSONValue {
        let seconds = { (duration: Duration) -> Double in
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        return .object([
            (
                "query",
                .object([
                    ("executionTime", .number(seconds(result.compileTime + result.executeTime))),
                    ("compileTime", .number(seconds(result.compileTime))),
                    (
                        "datasetStatistics",
                        .array([.object([("tableRowCount", .int(result.table.rows.count))])])
                    ),
                ])
            )
        ])
    }

    static func partialError(_ reason: String) -> JSONValue {
        .object([
            ("code", .string("PartialError")),
            ("message", .string("There were some errors when processing your query.")),
            (
                "details",
                .array([
                    .object([
                        ("code", .string("EngineError")),
                        ("message", .string(reason)),
                        (
                            "innererror",
                            .object([
                                (
                                    "code",
                                    .string(reason.contains("time") ? "QueryTimeout" : "E_QUERY_RESULT_SET_TOO_LARGE")
                                ),
                                ("message", .string(reason)), ("severity", .int(2)), ("severityName", .string("Error")),
                            ])
                        ),
                    ])
                ])
            ),
        ])
    }

    /// A query that does not parse or bind: 400 with the position in the inner error.
    static func queryError(_ diagnostic: KQLDiagnostic) -> ARMResponse {
        let inner: JSONValue = .object([
            ("code", .string(diagnostic.kind == .syntax ? "SyntaxError" : "SemanticError")),
            (
                "message",
                .string(diagnostic.kind == .syntax ? "A syntax error occurred." : "A semantic error occurred.")
            ),
            (
                "innererror",
                .object([
                    ("code", .string(diagnostic.kind == .syntax ? "SYN0002" : "SEM0100")),
                    ("message", .string(diagnostic.description)),
                    ("line", .int(diagnostic.line)), ("pos", .int(diagnostic.column)),
                    ("offset", .int(diagnostic.offset)), ("length", .int(diagnostic.length)),
                ])
            ),
        ])
        return error(
            status: 400, code: "BadArgumentError", message: "The request had some invalid properties", inner: inner)
    }

    static func badArgument(_ message: String) -> ARMResponse {
        error(
            status: 400, code: "BadArgumentError", message: "The request had some invalid properties",
            inner: .object([("code", .string("BadArgumentError")), ("message", .string(message))]))
    }

    static func error(status: Int, code: String, message: String, inner: JSONValue? = nil) -> ARMResponse {
        var fields: [(String, JSONValue)] = [("code", .string(code)), ("message", .string(message))]
        if let inner { fields.append(("innererror", inner)) }
        return .json(.object([("error", .object(fields))]), status: status)
    }
}
