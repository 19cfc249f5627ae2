import Foundation

/// The Log Analytics gateway's performance counters, and a few more: read at any time (the
/// status endpoint), updated by every connection's thread.
public final class GatewayCounters: @unchecked Sendable {
    /// Why a request was refused, each counted apart as well as in `rejectionCount`.
    public enum Rejection: String, Sendable, CaseIterable {
        case notConnect, notAllowed, badRequest, headTooLarge, headTimeout, busy
    }

    public struct Rejections: Sendable, Codable, Equatable {
        public var notConnect = 0
        public var notAllowed = 0
        public var badRequest = 0
        public var headTooLarge = 0
        public var headTimeout = 0
        public var busy = 0
    }

    public struct Snapshot: Sendable, Codable, Equatable {
        /// Client connections open, whether still sending their head or tunnelling.
        public var activeClientConnections = 0
        /// Distinct client addresses with a tunnel open.
        public var connectedClients = 0
        /// Tunnels open or being opened (what --max-tunnels bounds).
        public var activeTunnels = 0
        public var rejectionCount = 0
        /// Destinations that could not be reached, and connections the gateway could not serve.
        public var errorCount = 0
        public var tunnelsTotal = 0
        public var bytesUp: UInt64 = 0
        public var bytesDown: UInt64 = 0
        public var rejections = Rejections()
    }

    private let lock = NSLock()
    private var current = Snapshot()
    private var tunnelsByClient: [String: Int] = [:]

    public init() {}

    public var snapshot: Snapshot { lock.withLock { current } }

    func connectionOpened() { lock.withLock { current.activeClientConnections += 1 } }

    func connectionClosed() { lock.withLock { current.activeClientConnections -= 1 } }

    func reject(_ reason: Rejection) {
        lock.withLock {
            current.rejectionCount += 1
            switch reason {
            case .notConnect: current.rejections.notConnect += 1
            case .notAllowed: current.rejections.notAllowed += 1
            case .badRequest: current.rejections.badRequest += 1
            case .headTooLarge: current.rejections.headTooLarge += 1
            case .headTimeout: current.rejections.headTimeout += 1
            case .busy: current.rejections.busy += 1
            }
        }
    }

    func error() { lock.withLock { current.errorCount += 1 } }

    /// Takes a tunnel slot unless `limit` are taken; a taken slot is given back by
    /// `releaseTunnel` (never opened) or `tunnelClosed`.
    func reserveTunnel(limit: Int) -> Bool {
        lock.withLock {
            guard current.activeTunnels < limit else { return false }
            current.activeTunnels += 1
            return true
        }
    }

    func releaseTunnel() { lock.withLock { current.activeTunnels -= 1 } }

    func tunnelOpened(client: String) {
        lock.withLock {
            current.tunnelsTotal += 1
            tunnelsByClient[client, default: 0] += 1
            current.connectedClients = tunnelsByClient.count
        }
    }

    func tunnelClosed(client: String) {
        lock.withLock {
            current.activeTunnels -= 1
            let left = (tunnelsByClient[client] ?? 1) - 1
            tunnelsByClient[client] = left > 0 ? left : nil
            current.connectedClients = tunnelsByClient.count
        }
    }

    /// Saturating: a counter that stops at the top says more than one that wraps to zero.
    func moved(up: Int = 0, down: Int = 0) {
        lock.withLock {
            current.bytesUp = Self.add(current.bytesUp, up)
            current.bytesDown = Self.add(current.bytesDown, down)
        }
    }

    private static func add(_ total: UInt64, _ count: Int) -> UInt64 {
        let (sum, overflow) = total.addingReportingOverflow(UInt64(clamping: count))
        return overflow ? .max : sum
    }
}
