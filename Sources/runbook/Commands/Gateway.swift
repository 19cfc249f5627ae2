import ArgumentParser
import Automation
import Foundation
import LogGateway

extension RunbookCommand {
    struct Gateway: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a Log Analytics gateway: a proxy that only tunnels HTTPS to allowed hosts.",
            discussion: Help.reflow(
                """
                Machines without internet access reach Azure through this one: their agents use it \
                as their HTTP proxy, and it answers only 'CONNECT HOST:443' to a host given with \
                --allow, then copies bytes both ways without reading them (the TLS session is \
                between the agent and the service). Any other method is answered 405, a host or \
                port not allowed 403, a destination that cannot be reached 502, a request head \
                over 8 KiB 431 (a head that takes over 10 seconds 408), and a tunnel past \
                --max-tunnels 503.

                Each tunnel that ends and each refusal is one log line on standard output with \
                the Log Analytics gateway's event number: 103 a tunnel (its bytes up and down and \
                its duration), 104 not a CONNECT, 105 not allowed, 403 a network error. --status \
                answers GET /status with the counters as JSON: active client connections, \
                connected clients, rejections, errors, tunnels and bytes each way.

                It runs until SIGINT or SIGTERM, then stops accepting, closes its tunnels and \
                exits 0.

                Examples:
                  runbook gateway --allow '*.ods.opinsights.azure.com' \\
                      --allow '*.oms.opinsights.azure.com' --allow '*.azure-automation.net'
                  runbook gateway --listen 0.0.0.0:8080 --allow '*.azure-automation.net' \\
                      --status 127.0.0.1:8081 --json
                  curl -x http://127.0.0.1:8080 https://example.azure-automation.net/
                """))

        @Option(help: "Address and port to listen on: ADDR:PORT, [IPv6]:PORT (port 0: any free port).")
        var listen = "127.0.0.1:8080"
        @Option(
            help: ArgumentHelp(
                "A destination agents may reach: HOST, or *.DOMAIN for any name under it; always its port 443 (the service must listen there).",
                valueName: "host[:port]"))
        var allow: [String] = []
        @Option(
            help: ArgumentHelp(
                "A port a CONNECT may name (repeatable; 443 unless given). Azure allows 443 only.",
                visibility: .hidden))
        var securePort: [Int] = []
        @Option(help: "Tunnels open at once; one more is answered 503.") var maxTunnels = 256
        @Option(help: "Close a tunnel in which nothing moved for this long (30s, 5m, 1h).") var idleTimeout = "5m"
        @Option(help: "Also answer GET /status with the counters as JSON on this ADDR:PORT (plain HTTP).")
        var status: String?
        @Flag(help: "Log lines as JSON objects, one a line.") var json = false

        static let maxTunnelsRange = 1...4096
        static let idleRange = Duration.seconds(1)...Duration.seconds(7 * 86_400)

        var securePorts: Set<Int> { Set(securePort.isEmpty ? [AllowRule.defaultPort] : securePort) }

        func validate() throws {
            _ = try gatewayConfiguration()
            _ = try statusEndpoint()
        }

        /// The configuration the options describe, or a ValidationError naming the option at fault.
        func gatewayConfiguration() throws -> GatewayConfiguration {
            let endpoint: Endpoint
            do { endpoint = try Endpoint.parse(listen) } catch { throw ValidationError("--listen: \(error)") }
            guard !allow.isEmpty else {
                throw ValidationError("give at least one --allow HOST[:PORT]: without one every CONNECT is refused")
            }
            for port in securePort where !(1...65535).contains(port) {
                throw ValidationError("--secure-port \(port) must be 1 to 65535")
            }
            var rules: [AllowRule] = []
            for text in allow {
                let rule: AllowRule
                do { rule = try AllowRule.parse(text) } catch { throw ValidationError("--allow: \(error)") }
                guard securePorts.contains(rule.port) else {
                    throw ValidationError(
                        "--allow \(rule): port \(rule.port) is not a secure port; the gateway tunnels to port "
                            + "\(securePorts.sorted().map(String.init).joined(separator: ", ")) only")
                }
                rules.append(rule)
            }
            guard Self.maxTunnelsRange.contains(maxTunnels) else {
                throw ValidationError("--max-tunnels must be 1 to \(Self.maxTunnelsRange.upperBound)")
            }
            let idle: Duration
            do { idle = try DurationText.read(idleTimeout) } catch { throw ValidationError("--idle-timeout: \(error)") }
            guard Self.idleRange.contains(idle) else {
                throw ValidationError("--idle-timeout \(idleTimeout) is out of range: 1s to 7d")
            }
            return GatewayConfiguration(
                listen: endpoint, allowed: rules, securePorts: securePorts, maxTunnels: maxTunnels, idleTimeout: idle)
        }

        func statusEndpoint() throws -> Endpoint? {
            guard let status else { return nil }
            let endpoint: Endpoint
            do { endpoint = try Endpoint.parse(status) } catch { throw ValidationError("--status: \(error)") }
            if endpoint.port != 0, let listening = try? Endpoint.parse(listen), listening.port == endpoint.port {
                throw ValidationError("--status \(status) and --listen \(listen) need different ports")
            }
            return endpoint
        }

        func run() async throws {
            let configuration = try gatewayConfiguration()
            let statusAt = try statusEndpoint()
            // A client that goes away mid-write must not end the process; sends also say MSG_NOSIGNAL.
            signal(SIGPIPE, SIG_IGN)
            let json = self.json
            let server = GatewayServer(configuration: configuration) { event in
                if json { Terminal.exact(event.json) } else { Terminal.out(event.text) }
                Terminal.flush()
            }
            // Signals are watched before listening, so that a stop asked for at once is not lost.
            let (stops, stopRequested) = AsyncStream<Void>.makeStream()
            let signals = StopSignal { stopRequested.yield() }
            do { try server.start() } catch {
                Terminal.error(error.description)
                throw ExitCode(69)
            }
            var statusServer: GatewayStatusServer?
            if let statusAt {
                let statusServing = GatewayStatusServer(listen: statusAt, counters: server.counters)
                do {
                    let bound = try statusServing.start()
                    statusServer = statusServing
                    let line = "status on http://\(bound)/status"
                    if json {
                        Terminal.exact(#"{"event":100,"message":"\#(line)","status":"http://\#(bound)/status"}"#)
                    } else {
                        Terminal.out(line)
                    }
                    Terminal.flush()
                } catch {
                    server.stop()
                    Terminal.error("--status: \(error.description)")
                    throw ExitCode(69)
                }
            }
            for await _ in stops { break }
            withExtendedLifetime(signals) {}
            statusServer?.stop()
            server.stop()
        }
    }
}
