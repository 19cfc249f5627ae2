import Foundation

/// A value of a query's result, or an argument bound to its SQL.
public enum KQLValue: Sendable, Hashable {
    case null
    case string(String)
    case long(Int64)
    case real(Double)
    case bool(Bool)
    case datetime(Date)
    /// Seconds.
    case timespan(Double)
    /// JSON text.
    case dynamic(String)
    case guid(String)
}

/// A result column: its name and Kusto type.
public struct KQLResultColumn: Sendable, Hashable {
    public var name: String
    public var type: KQLType

    public init(name: String, type: KQLType) {
        self.name = name
        self.type = type
    }
}

/// The `render` operator of a query: the visualization and its `with (...)` properties, which
/// Azure's API returns when asked with `Prefer: include-render=true`.
public struct KQLRender: Sendable, Hashable {
    public var visualization: String
    public var properties: [String: String]

    public init(visualization: String, properties: [String: String] = [:]) {
        self.visualization = visualization
        self.properties = properties
    }
}

/// A query compiled to one SQL statement over the schema's sources.
public struct CompiledQuery: Sendable {
    /// One `SELECT`; its parameters are positional `?`s, bound from `arguments` in order.
    public var sql: String
    public var arguments: [KQLValue]
    /// The result's columns, in the order of the SQL's result columns.
    public var columns: [KQLResultColumn]
    public var render: KQLRender?
    /// The row limit the SQL was compiled with; the SQL asks for one row more.
    public var rowLimit: Int
}

/// A query's result, as Azure's API names its one table.
public struct KQLResultTable: Sendable {
    public var name: String
    public var columns: [KQLResultColumn]
    public var rows: [[KQLValue]]
    /// Why the rows stop before the end, when they do.
    public var stopped: KQLStop?

    /// True when the rows are not the whole answer (a row limit or a deadline cut them).
    public var truncated: Bool { stopped != nil }

    public init(name: String = "PrimaryResult", columns: [KQLResultColumn], rows: [[KQLValue]], stopped: KQLStop?) {
        self.name = name
        self.columns = columns
        self.rows = rows
        self.stopped = stopped
    }
}

/// Why a result is partial.
public enum KQLStop: String, Sendable, Hashable {
    /// The query had more rows than the limit; the result has the first `rowLimit`.
    case rowLimit
    /// The deadline passed while the statement ran; the result has the rows produced until then.
    case deadline
    /// The rows reached the result's byte limit; the result has the rows that fit.
    case resultBytes
}
