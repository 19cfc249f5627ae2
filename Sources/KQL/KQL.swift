import Foundation

/// KQL (Kusto Query Language) for the store: a subset of Azure Log Analytics' query language,
/// compiled to one SQLite statement.
///
/// ```swift
/// let query = try KQL.compile(text, schema: schema, options: KQLOptions(now: now, rowLimit: 30_000))
/// let table = try KQLExecutor.run(query, in: db, rowLimit: 30_000, deadline: .now + .seconds(30))
/// ```
///
/// - ``KQLSchema`` lists the tables a query may name (``KQLTable``: a name, an SQL FROM item used
///   verbatim, and ``KQLColumn``s with a Kusto type and an SQL expression over that FROM item).
///   Datetime columns yield the store's text `YYYY-MM-DD HH:MM:SS.SSS` (UTC); bool columns 0/1;
///   dynamic columns JSON text; timespans are REAL seconds.
/// - ``KQL/compile(_:schema:options:)`` parses and compiles, or throws a located
///   ``KQLDiagnostic`` (`query:1:34: error: unknown column 'FilePath' (did you mean
///   'FileSystemPath'?)`). The result, ``CompiledQuery``, holds the SQL (positional `?` parameters),
///   its ``KQLValue`` arguments (every string literal is bound, never spliced), the result
///   columns, and the `render` operator's ``KQLRender``. The SQL ends in `LIMIT rowLimit + 1`.
/// - ``KQLExecutor/run(_:in:rowLimit:deadline:)`` registers ``KQLFunctions`` on the connection,
///   runs the statement, converts values (datetimes back to `Date`) and returns a
///   ``KQLResultTable`` that says whether a row limit or the deadline cut it (`stopped`).
///
/// Semantics, as Kusto's where the subset allows: `==` is case-sensitive (BINARY), `=~`, `in~`,
/// `has`, `contains`, `startswith`, `endswith` are case-insensitive for ASCII letters only (SQLite's
/// NOCASE and LIKE: `"É" =~ "é"` is false); `has` matches whole terms (runs of letters and digits);
/// `matches regex` uses this module's own linear-time engine (no backreferences or lookaround).
/// A `join` without `kind=` is Kusto's `innerunique` (one left row per key, then inner).
/// `union` has the union of its inputs' columns by name (the first input's type wins).
/// `summarize` may hold one `arg_max`/`arg_min` together with aggregates other than `min`/`max`.
public enum KQL {
    /// Parses and compiles a query; the first problem is thrown, located.
    public static func compile(_ text: String, schema: KQLSchema, options: KQLOptions) throws(KQLDiagnostic)
        -> CompiledQuery
    {
        let (query, source) = try Parser.parse(text)
        var compiler = Compiler(schema: schema, options: options, source: source)
        return try compiler.compile(query)
    }
}
