import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What every connection of one gateway shares: its configuration, its counters, its log,
/// and the sockets open, so that a stop can wake each connection's wait at once.
final class GatewayContext: @unchecked Sendable {
    let configuration: GatewayConfiguration
    let counters: GatewayCounters
    private let sink: @Sendable (GatewayEvent) -> Void
    private let logLock = NSLock()
    private let lock = NSLock()
    private var open: Set<Int32> = []
    private var stopping = false

    init(
        configuration: GatewayConfiguration, counters: GatewayCounters,
        log: @escaping @Sendable (GatewayEvent) -> Void
    ) {
        self.configuration = configuration
        self.counters = counters
        self.sink = log
    }

    /// One line at a time, whichever thread writes it.
    func log(_ event: GatewayEvent) { logLock.withLock { sink(event) } }

    var isStopping: Bool { lock.withLock { stopping } }

    /// False once stopping: the caller closes the socket instead of using it.
    func register(_ fd: Int32) -> Bool {
        lock.withLock {
            guard !stopping else { return false }
            open.insert(fd)
            return true
        }
    }

    /// Before the socket is closed, so that `stop` never shuts down a number reused since.
    func unregister(_ fd: Int32) { lock.withLock { _ = open.remove(fd) } }

    /// Refuses new sockets and shuts down those open: every poll on them returns. False if
    /// already stopping.
    @discardableResult
    func stop() -> Bool {
        lock.withLock {
            guard !stopping else { return false }
            stopping = true
            for fd in open { _ = shutdown(fd, Int32(SHUT_RDWR)) }
            return true
        }
    }
}
