import Foundation

/// Where a PostgreSQL store is: `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, with
/// optional `?sslmode=disable|prefer|require|verify-full` (libpq's meanings; default prefer) and
/// `?schema=NAME` (the store's tables in that schema instead of `public`; tests use one per test).
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var schema: String?
    public var tls: TLSMode

    public init(
        host: String, port: Int = 5432, user: String, password: String? = nil, database: String,
        schema: String? = nil, tls: TLSMode = .prefer
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.schema = schema
        self.tls = tls
    }

    /// Whether `text` names a PostgreSQL store rather than a folder.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Parses a store URL; every problem is said with what a right URL looks like.
    public init(url text: String) throws(PostgresLocationError) {
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw PostgresLocationError(url: text, problem: "it is not a URL of the form \(Self.form)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresLocationError(url: text, problem: "it names no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresLocationError(url: text, problem: "it names no user (USER@ before the host)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresLocationError(url: text, problem: "it names no database (/DATABASE after the host)")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else {
            throw PostgresLocationError(url: text, problem: "port \(port) is not between 1 and 65535")
        }
        var schema: String?
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "schema":
                guard let name = item.value, Self.isPlainName(name) else {
                    throw PostgresLocationError(
                        url: text,
                        problem: "schema must be lower-case letters, digits and _ (at most 63), not a letter first")
                }
                guard !Self.isSystemSchema(name) else {
                    throw PostgresLocationError(
                        url: text,
                        problem: "schema '\(name)' is PostgreSQL's own (pg_catalog, information_schema and pg_* are); "
                            + "name a schema of your own")
                }
                schema = name
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw PostgresLocationError(
                        url: text,
                        problem: "sslmode must be one of " + TLSMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                tls = mode
            default:
                throw PostgresLocationError(
                    url: text, problem: "unknown parameter '\(item.name)'; known: schema, sslmode")
            }
        }
        self.init(
            host: host, port: port, user: user, password: components.password, database: database, schema: schema,
            tls: tls)
    }

    static let form = "postgresql://USER@HOST:PORT/DATABASE"

    /// PostgreSQL's own schemas, which a store must never write into.
    static func isSystemSchema(_ name: String) -> Bool {
        name == "information_schema" || name.hasPrefix("pg_")
    }

    /// A schema name that needs no quoting: it is spliced into `search_path` and DDL.
    static func isPlainName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 63,
            ("a"..."z").contains(first) || first == "_"
        else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// The URL without the password, as messages show it.
    public var description: String {
        var text = "postgresql://\(user)@\(host):\(port)/\(database)"
        if let schema { text += "?schema=\(schema)" }
        return text
    }
}

public struct PostgresLocationError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    public var url: String
    public var problem: String

    public var description: String {
        // The URL may hold a password: show it without.
        let shown = url.replacingOccurrences(of: #":[^:@/]*@"#, with: ":***@", options: .regularExpression)
        return "store URL '\(shown)' cannot be used: \(problem); a PostgreSQL store is \(PostgresLocation.form)"
    }

    public var errorDescription: String? { description }
}
