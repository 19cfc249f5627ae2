#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// How a tunnel went: the bytes each way (the payload itself is never kept or looked at).
struct TunnelResult: Sendable {
    enum End: String, Sendable {
        /// Both sides said end-of-data.
        case closed
        /// Nothing moved for the idle timeout.
        case idle = "idle timeout"
        /// A side reset the connection or a socket call failed.
        case reset
        /// The gateway is stopping.
        case stopped
    }

    var bytesUp: UInt64 = 0
    var bytesDown: UInt64 = 0
    var end: End = .closed
    var elapsed: Duration = .zero
}

/// Copies bytes both ways between a client and its destination until both have said
/// end-of-data, one resets, nothing moves for `idleTimeout`, or the gateway stops. An end of
/// data on one side is passed on as a half-close (shutdown for writing) of the other, so
/// that the other direction keeps flowing until it ends too.
struct Tunnel {
    let client: Int32
    let upstream: Int32
    let idleTimeout: Duration
    let isStopping: @Sendable () -> Bool
    /// Called with each write, for the live byte counters.
    let moved: (_ up: Int, _ down: Int) -> Void

    /// One direction: at most one buffer of bytes read and not yet written.
    private struct Flow {
        let from: Int32
        let to: Int32
        var buffer: [UInt8]
        var start = 0
        var end = 0
        var readClosed = false
        var shutDown = false
        var total: UInt64 = 0

        init(from: Int32, to: Int32, pending: [UInt8]) {
            self.from = from
            self.to = to
            buffer = pending + [UInt8](repeating: 0, count: max(0, 16_384 - pending.count))
            end = pending.count
        }

        var wantsRead: Bool { !readClosed && start == end }
        var wantsWrite: Bool { start < end }
        var finished: Bool { readClosed && start == end }

        /// False when the connection failed.
        mutating func read() -> Bool {
            switch Socket.receive(from, into: &buffer) {
            case .bytes(let count):
                start = 0
                end = count
            case .end: readClosed = true
            case .wouldBlock: break
            case .failed: return false
            }
            return true
        }

        /// Bytes written, or nil when the connection failed.
        mutating func write() -> Int? {
            switch Socket.send(to, buffer, start..<end) {
            case .bytes(let count):
                start += count
                total += UInt64(count)
                return count
            case .wouldBlock: return 0
            case .failed: return nil
            }
        }

        /// Passes end-of-data on once everything before it is written.
        mutating func passOnEnd() {
            guard finished, !shutDown else { return }
            shutDown = true
            _ = shutdown(to, Int32(SHUT_WR))
        }
    }

    /// `pending`: bytes the client sent after its request head, written to the destination first.
    func run(pending: [UInt8]) -> TunnelResult {
        let started = ContinuousClock.now
        var up = Flow(from: client, to: upstream, pending: pending)
        var down = Flow(from: upstream, to: client, pending: [])
        var lastMoved = started
        func finish(_ end: TunnelResult.End) -> TunnelResult {
            TunnelResult(bytesUp: up.total, bytesDown: down.total, end: end, elapsed: ContinuousClock.now - started)
        }
        while !(up.finished && down.finished) {
            if isStopping() { return finish(.stopped) }
            let idleLeft = idleTimeout - (ContinuousClock.now - lastMoved)
            if idleLeft <= .zero { return finish(.idle) }
            let clientEvents = (up.wantsRead ? POLLIN : 0) | (down.wantsWrite ? POLLOUT : 0)
            let upstreamEvents = (down.wantsRead ? POLLIN : 0) | (up.wantsWrite ? POLLOUT : 0)
            // A descriptor with nothing asked of it is left out (-1): poll would still report
            // its hang-up, again and again.
            var entries = [
                pollfd(fd: clientEvents == 0 ? -1 : client, events: Int16(clientEvents), revents: 0),
                pollfd(fd: upstreamEvents == 0 ? -1 : upstream, events: Int16(upstreamEvents), revents: 0),
            ]
            // At most a second at a time, so that a stop is noticed even without a wake-up.
            let ready = poll(&entries, 2, min(Socket.milliseconds(idleLeft), 1000))
            if ready < 0 {
                if errno == EINTR { continue }
                return finish(.reset)
            }
            if ready == 0 { continue }
            // A stop shuts both sockets down, which looks like both sides closing: say it was a stop.
            if isStopping() { return finish(.stopped) }
            let invalid = Int16(POLLNVAL)
            if entries[0].revents & invalid != 0 || entries[1].revents & invalid != 0 { return finish(.reset) }
            // Reads first, then writes of what was just read, in the same turn.
            if entries[0].revents != 0, up.wantsRead, !up.read() { return finish(.reset) }
            if entries[1].revents != 0, down.wantsRead, !down.read() { return finish(.reset) }
            if up.wantsWrite {
                guard let count = up.write() else { return finish(.reset) }
                if count > 0 {
                    moved(count, 0)
                    lastMoved = ContinuousClock.now
                }
            }
            if down.wantsWrite {
                guard let count = down.write() else { return finish(.reset) }
                if count > 0 {
                    moved(0, count)
                    lastMoved = ContinuousClock.now
                }
            }
            up.passOnEnd()
            down.passOnEnd()
        }
        return finish(.closed)
    }
}
