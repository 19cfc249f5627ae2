import Foundation

/// A page of jobs for the API: Azure's `$filter` conditions and a keyset cursor (newest first),
/// so page 2,000 of a million jobs costs what page 1 costs.
public struct JobQuery: Sendable, Hashable {
    public enum Comparison: String, Sendable, Hashable {
        case eq = "=", ne = "!=", ge = ">=", gt = ">", le = "<=", lt = "<"
    }
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case runbookName, status, startedAt, endedAt, createdAt, lastModifiedAt
    }

    public struct Condition: Sendable, Hashable {
        public var field: Field
        public var comparison: Comparison
        public var value: String
        public var date: Date?

        public init(field: Field, comparison: Comparison, value: String, date: Date? = nil) {
            self.field = field
            self.comparison = comparison
            self.value = value
            self.date = date
        }
    }

    public var conditions: [Condition]
    /// The last job of the previous page: (createdAt, id).
    public var after: (Date, String)?
    public var limit: Int

    public init(conditions: [Condition] = [], after: (Date, String)? = nil, limit: Int = 100) {
        self.conditions = conditions
        self.after = after
        self.limit = limit
    }

    public static func == (lhs: JobQuery, rhs: JobQuery) -> Bool {
        lhs.conditions == rhs.conditions && lhs.limit == rhs.limit && lhs.after?.0 == rhs.after?.0
            && lhs.after?.1 == rhs.after?.1
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(conditions)
        hasher.combine(limit)
    }
}

/// A job id prefix as a range of ids, `lower <= id < upper`: case-sensitive, no character of
/// the prefix is a wildcard, and a primary-key index serves it on either store (ids compare
/// byte by byte).
public enum JobIDPrefix {
    public static func range(_ prefix: String) -> (lower: String, upper: String) {
        (prefix, prefix + "\u{10FFFF}")
    }
}
