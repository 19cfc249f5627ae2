import Hummingbird
import NIOCore

/// Hummingbird's basic context plus the peer's address, which the agent routes record (the
/// address an agent, or its gateway, connected from: observed, not what the agent says).
public struct RunbookRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The peer's IP address in text, or nil (a Unix socket, or a connection already gone).
    var peerAddress: String? { remoteAddress?.ipAddress }
}
