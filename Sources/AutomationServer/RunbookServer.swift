import AutomationPortal
import AutomationService
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

/// `runbook serve`'s HTTP side: the ARM API and the portal (under /portal) on Hummingbird, as a `Service` that runs in the
/// same group as the scheduler (which runs the API's jobs in its slots) and retention.
public struct RunbookServer {
    public struct TLSFiles: Sendable {
        public var certificate: String
        public var key: String

        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }
    }

    public var host: String
    public var port: Int
    public var tls: TLSFiles?
    public var service: AutomationService
    public var submission: any JobSubmission
    public var logger: Logger

    public init(
        host: String, port: Int, tls: TLSFiles?, service: AutomationService, submission: any JobSubmission,
        logger: Logger
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.service = service
        self.submission = submission
        self.logger = logger
    }

    /// Addresses a server may listen on without TLS: only this machine can reach them.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// The application, ready to run as a service; `onRunning` hears the bound port.
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws
        -> some ApplicationProtocol
    {
        let api = ARMAPI(service: service, submission: submission)
        let arm = ARMResponder(routes: api.routes + api.agentRoutes, service: service, logger: logger)
        let portal = try Portal(service: service, submission: submission, secure: tls != nil, logger: logger)
        let responder = RunbookResponder(arm: arm, portal: portal)
        // A client that opens a connection and sends nothing is dropped after 150 s; it holds
        // one connection, never a thread. Longer than an agent's heartbeat (60 s) and its own
        // idle close (120 s), so an agent's connection is kept from one minute to the next
        // (a new one costs a TLS handshake, several KB) and it is the agent that closes first,
        // never the service as a request arrives.
        let http = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .seconds(150)))
        let server: HTTPServerBuilder
        if let tls {
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(tls.certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: tls.key, format: .pem)))
            server = try .tls(http, tlsConfiguration: configuration)
        } else {
            server = http
        }
        return Application(
            responder: responder, server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "runbook"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) }, logger: logger)
    }
}
