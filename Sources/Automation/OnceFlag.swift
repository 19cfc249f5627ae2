import Foundation

/// A flag that is set once and read from any thread or task: a stop or shutdown request, or
/// the cancellation of work that runs outside Swift's task tree.
public final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    public init() {}

    public var isSet: Bool { lock.withLock { value } }
    public func set() { lock.withLock { value = true } }
}
