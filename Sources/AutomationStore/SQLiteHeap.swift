import GRDBSQLite

/// A ceiling on the memory SQLite allocates in this process, for every connection together
/// (page caches, sorters, a statement being prepared, in-memory databases): past it an
/// allocation fails and the statement ends with "out of memory" instead of growing the
/// process without bound. Queries have their own, finer limits (`KQLBudget`); this is the
/// backstop for what those do not foresee.
public enum SQLiteHeap {
    public static let limitBytes: Int64 = 2 << 30

    /// Sets the ceiling once per process (the first store or snapshot that opens sets it).
    public static let installed: Void = {
        _ = sqlite3_hard_heap_limit64(limitBytes)
    }()
}
